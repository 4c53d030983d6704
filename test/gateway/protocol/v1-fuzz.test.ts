import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CloseCode } from "../../../src/shared/close-codes";
import { decodeClientFrame } from "../../../src/shared/protocol";
import { connectV1, expectClose, framesOf, waitForFrame, type TestClient } from "../../helpers/clients";
import { useGateway } from "../../helpers/use-gateway";

const FUZZ_RUNS = 200;
const KNOWN_TYPES = ["publish", "direct", "subscribe", "unsubscribe", "presence", "ping", "auth"];

/** Valid frames, then mutated: fields dropped, retyped or added; plus arbitrary text and JSON. */
const validFrame = fc.oneof(
  fc.record({ type: fc.constant("publish"), data: fc.jsonValue(), topic: fc.option(fc.string({ minLength: 1, maxLength: 8 }), { nil: undefined }), id: fc.option(fc.string({ minLength: 1, maxLength: 8 }), { nil: undefined }) }),
  fc.record({ type: fc.constant("direct"), to: fc.string({ minLength: 1, maxLength: 20 }), data: fc.jsonValue() }),
  fc.record({ type: fc.constantFrom("subscribe", "unsubscribe"), topics: fc.array(fc.string({ maxLength: 10 }), { maxLength: 4 }) }),
  fc.record({ type: fc.constant("presence"), state: fc.jsonValue() }),
  fc.record({ type: fc.constant("ping"), id: fc.option(fc.string({ maxLength: 8 }), { nil: undefined }) }),
  fc.record({ type: fc.constant("auth"), token: fc.string({ maxLength: 40 }), id: fc.option(fc.string({ minLength: 1, maxLength: 8 }), { nil: undefined }) }),
);
const mutated = fc.tuple(validFrame, fc.constantFrom("type", "data", "topic", "id", "to", "topics", "state", "token"), fc.anything()).map(([frame, key, value]) => ({ ...frame, [key]: value }));
const dropped = fc.tuple(validFrame, fc.constantFrom("type", "data", "to", "topics", "state", "token")).map(([frame, key]) => {
  const copy: Record<string, unknown> = { ...frame };
  delete copy[key];
  return copy;
});
const unknownType = fc.record({ type: fc.string({ maxLength: 12 }).filter((t) => !KNOWN_TYPES.includes(t)), id: fc.option(fc.string({ minLength: 1, maxLength: 8 }), { nil: undefined }) });
const frameText = fc.oneof(
  validFrame.map((f) => JSON.stringify(f)),
  mutated.map((f) => JSON.stringify(f) ?? "null"),
  dropped.map((f) => JSON.stringify(f)),
  unknownType.map((f) => JSON.stringify(f)),
  fc.json(),
  fc.string({ maxLength: 64 }),
).filter((text) => text !== "ping");

describe("roomcast.v1 room under random frames", () => {
  const gateway = useGateway({ RATE_LIMIT_MESSAGES_PER_SECOND: 100_000 });

  it(
    `answers each of ${FUZZ_RUNS} random frames as documented and keeps serving the others`,
    async () => {
      const url = `${gateway.wsUrl}/rooms/fuzz`;
      const bystander = await connectV1(url);
      const answers = { closed1007: 0, unknownType: 0, badRequest: 0, served: 0 };
      let fuzzer: TestClient | undefined;
      let probe = 0;
      await fc.assert(
        fc.asyncProperty(frameText, async (text) => {
          fuzzer ??= (await connectV1(url)).client;
          const expected = decodeClientFrame(text);
          fuzzer.ws.send(text);
          if (!expected.ok && expected.kind === "invalid") {
            expect((await expectClose(fuzzer, `1007 for ${text.slice(0, 80)}`)).code).toBe(CloseCode.invalidPayload);
            fuzzer = undefined;
            answers.closed1007++;
            return;
          }
          const unknownBefore = framesOf(fuzzer).filter((f) => f.code === "unknown_type").length;
          const badBefore = framesOf(fuzzer).filter((f) => f.code === "bad_request").length;
          // A ping after every frame proves the connection is still served; answers come in order,
          // so any error for the fuzzed frame has arrived once the pong has.
          const id = `probe-${++probe}`;
          fuzzer.ws.send(JSON.stringify({ type: "ping", id }));
          await waitForFrame(fuzzer, (f) => f.type === "pong" && f.id === id, `pong ${id} after ${text.slice(0, 80)}`);
          const unknownAfter = framesOf(fuzzer).filter((f) => f.code === "unknown_type").length;
          if (!expected.ok && expected.kind === "bad_request") {
            // An auth frame without a usable token: answered in-band, the connection stays.
            expect(framesOf(fuzzer).filter((f) => f.code === "bad_request").length, `bad_request for ${text.slice(0, 80)}`).toBe(badBefore + 1);
            expect(unknownAfter).toBe(unknownBefore);
            answers.badRequest++;
          } else if (!expected.ok) {
            expect(unknownAfter, `unknown_type error for ${text.slice(0, 80)}`).toBe(unknownBefore + 1);
            answers.unknownType++;
          } else {
            expect(unknownAfter).toBe(unknownBefore);
            answers.served++;
          }
        }),
        { numRuns: FUZZ_RUNS },
      );
      // Every class of answer was exercised, and the bystander never lost its connection.
      expect(answers.closed1007).toBeGreaterThan(0);
      expect(answers.unknownType).toBeGreaterThan(0);
      expect(answers.served).toBeGreaterThan(0);
      const sender = await connectV1(url);
      sender.client.ws.send(JSON.stringify({ type: "publish", data: "sentinel" }));
      await waitForFrame(bystander.client, (f) => f.type === "message" && f.data === "sentinel", "sentinel at the bystander");
      expect(bystander.client.ws.readyState).toBe(bystander.client.ws.OPEN);
      sender.client.close();
      bystander.client.close();
      fuzzer?.close();
    },
    120_000,
  );
});
