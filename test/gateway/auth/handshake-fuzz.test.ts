import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { CloseCode } from "../../../src/shared/close-codes";
import { connectV1, waitForFrame } from "../../helpers/clients";
import { useGateway } from "../../helpers/use-gateway";
import { rawUpgrade } from "../../helpers/raw-socket";
import { algNoneToken, mintToken, tamperedToken, tokenModeVars } from "../../helpers/tokens";

const FUZZ_RUNS = 220;
/** Statuses docs/protocol.md documents before an upgrade: bad handshake, origin, not an upgrade, flood. */
const DOCUMENTED_STATUSES = new Set(["101", "400", "403", "426", "429"]);
const AUTH_CLOSE_CODES = new Set<number>([CloseCode.unauthorized, CloseCode.forbidden]);

/** Header-safe text: visible ASCII without separators that would break the request line. */
const headerText = (maxLength: number) => fc.string({ unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~+/=:;,*! "), maxLength });

describe("handshake fuzz in token mode", () => {
  const gateway = useGateway({ ...tokenModeVars, CONNECT_RATE_LIMIT: "off" });
  let tokens: string[];
  beforeAll(async () => {
    tokens = [await tamperedToken(), algNoneToken(), await mintToken({ secret: "other" }), await mintToken({ exp: 1 }), await mintToken({ rooms: ["nope"] })];
  });

  it(
    `gives each of ${FUZZ_RUNS} random tokens, headers and subprotocol lists a documented answer and keeps serving good clients`,
    async () => {
      const answers = new Map<string, number>();
      const token = fc.oneof(headerText(300), fc.constantFrom(...tokens), fc.tuple(headerText(40), headerText(200), headerText(60)).map((parts) => parts.join(".")));
      const protocols = fc.oneof(
        fc.array(headerText(20).filter((p) => p.trim() !== "" && !p.includes(",")), { maxLength: 8 }),
        fc.array(fc.constantFrom("roomcast.v1", "chat", "v12.stomp"), { minLength: 30, maxLength: 200 }),
        token.map((t) => [`roomcast.token.${t.replace(/[ ,]/g, "")}`, "roomcast.v1"]),
      );
      const request = fc.record({
        query: fc.oneof(fc.constant(""), token.map((t) => `?token=${encodeURIComponent(t)}`), token.map((t) => `?ticket=${encodeURIComponent(t)}`)),
        authorization: fc.option(fc.oneof(token.map((t) => `Bearer ${t}`), headerText(80)), { nil: undefined }),
        protocols,
        origin: fc.option(fc.constantFrom("https://evil.example", "null", "http://localhost"), { nil: undefined }),
        version: fc.option(fc.constantFrom("13", "8", "", "13, 8"), { nil: undefined }),
      });
      await fc.assert(
        fc.asyncProperty(request, async (r) => {
          const headers: Record<string, string> = {};
          if (r.authorization !== undefined) headers.Authorization = r.authorization;
          if (r.protocols.length > 0) headers["Sec-WebSocket-Protocol"] = r.protocols.join(", ");
          if (r.origin !== undefined) headers.Origin = r.origin;
          if (r.version !== undefined) headers["Sec-WebSocket-Version"] = r.version;
          const socket = await rawUpgrade(gateway.port, `/rooms/fuzz${r.query}`, headers);
          try {
            const status = socket.responseHead.slice(9, 12);
            expect(DOCUMENTED_STATUSES.has(status), socket.responseHead.split("\r\n")[0]).toBe(true);
            expect(socket.responseHead).not.toMatch(/roomcast\.token\./);
            let answer = status;
            if (status === "101") {
              const close = await socket.waitForCloseFrame();
              expect(AUTH_CLOSE_CODES.has(close.code), `close ${close.code} ${close.reason}`).toBe(true);
              answer = `101→${close.code}`;
            } else {
              expect(socket.frames().toString("utf8")).not.toMatch(/\bat .*:\d+:\d+|stack/i);
            }
            answers.set(answer, (answers.get(answer) ?? 0) + 1);
          } finally {
            socket.destroy();
          }
        }),
        { numRuns: FUZZ_RUNS },
      );
      expect(answers.get("101→4001")).toBeGreaterThan(0);
      expect(answers.get("400")).toBeGreaterThan(0);
      const good = await connectV1(`${gateway.wsUrl}/rooms/fuzz?token=${await mintToken({ sub: "good" })}`);
      const other = await connectV1(`${gateway.wsUrl}/rooms/fuzz?token=${await mintToken({ sub: "other" })}`);
      good.client.ws.send(JSON.stringify({ type: "publish", data: "still serving" }));
      expect(await waitForFrame(other.client, (f) => f.type === "message", "message between good clients")).toMatchObject({ data: "still serving" });
      good.client.close();
      other.client.close();
    },
    120_000,
  );
});
