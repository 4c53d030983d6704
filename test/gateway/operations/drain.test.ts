/**
 * @module drain.test
 * `POST /rooms/:room/drain` (docs/protocol.md §2, §11): every connection of the room is closed
 * with 1012, spread over `overMs` by the room's alarm (not in one burst); SDK clients come back
 * within their 1012 jitter window and resume, seeing a stream published throughout exactly once,
 * in order; a sharded room drains every shard; SSE, SockJS and STOMP clients get the 1012 too; a
 * drain survives the room's hibernation between steps. Bad bodies are 400; auth and room scope
 * are those of every HTTP API route (401/403).
 */
import { describe, expect, it } from "vitest";
import { RoomClient } from "../../../src/client";
import { CloseCode } from "../../../src/shared/close-codes";
import { connect, connectV1, withTimeout } from "../../helpers/clients";
import { JSON_HEADERS, publishHttp } from "../../helpers/http-api";
import { rawUpgrade, type RawSocket } from "../../helpers/raw-socket";
import { record, waitForState, waitUntil, type Recorder } from "../../helpers/sdk";
import { useSdkClients } from "../../helpers/sdk-clients";
import { openSockjs } from "../../helpers/sockjs-client";
import { useSseStreams } from "../../helpers/sse-client";
import { connectStomp } from "../../helpers/stomp-client";
import { API_KEY, mintToken, tokenModeVars } from "../../helpers/tokens";
import { useGateway } from "../../helpers/use-gateway";

const RAW_CONNECTIONS = 180;
const SDK_CONNECTIONS = 20;
const DRAIN_OVER_MS = 2_000;
/** How late after the window a close may still arrive (alarm and loopback latency). */
const CLOSE_SLACK_MS = 1_500;
const BUCKET_MS = 100;
const PUBLISH_EVERY_MS = 20;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function drain(httpUrl: string, room: string, body?: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${httpUrl}/rooms/${room}/drain`, { method: "POST", headers: { ...JSON_HEADERS, ...headers }, body });
}

describe("drain", () => {
  const gateway = useGateway({ RATE_LIMIT_MESSAGES_PER_SECOND: 100_000, HISTORY_MAX_MESSAGES: 5_000, ROOM_POLICIES: JSON.stringify([{ match: "drain-sharded-*", shards: 4 }]) });
  const { proxy, track } = useSdkClients(gateway);
  const openSse = useSseStreams(gateway);
  const info = async (room: string) => (await fetch(`${gateway.httpUrl}/rooms/${room}/info`)).json();

  it(
    `${RAW_CONNECTIONS + SDK_CONNECTIONS} connections drained over ${DRAIN_OVER_MS} ms close with 1012 spread over the window; SDK clients resume with every message once, in order`,
    async () => {
      const room = "drain-crowd";
      const raws: RawSocket[] = [];
      for (let i = 0; i < RAW_CONNECTIONS; i++) raws.push(await rawUpgrade(gateway.port, `/rooms/${room}`));
      const sdks: Array<{ client: RoomClient; seen: Recorder }> = [];
      for (let i = 0; i < SDK_CONNECTIONS; i++) {
        const client = track(new RoomClient({ url: proxy.wsUrl, room }));
        sdks.push({ client, seen: record(client) });
      }
      for (const { seen } of sdks) await waitForState(seen, "open", "SDK client connected");
      expect((await info(room)).connections).toBe(RAW_CONNECTIONS + SDK_CONNECTIONS);

      // A backend publishes throughout: before, during and after the drain.
      let publishing = true;
      const published: number[] = [];
      const publisher = (async () => {
        while (publishing) {
          published.push(await publishHttp(gateway.httpUrl, room, `m${published.length}`));
          await sleep(PUBLISH_EVERY_MS);
        }
      })();
      await sleep(300);

      const startedAt = Date.now();
      const answer = await drain(gateway.httpUrl, room, JSON.stringify({ overMs: DRAIN_OVER_MS }));
      expect(answer.status).toBe(202);
      expect(await answer.json()).toEqual({ room, connections: RAW_CONNECTIONS + SDK_CONNECTIONS, overMs: DRAIN_OVER_MS });

      const waitMs = DRAIN_OVER_MS + CLOSE_SLACK_MS + 2_000;
      const rawCloses = raws.map(async (raw) => {
        const frame = await raw.waitForCloseFrame(waitMs);
        return { ...frame, at: Date.now() - startedAt };
      });
      const sdkCloses = sdks.map(async ({ seen }) => {
        const change = await waitForState(seen, "reconnecting", "the SDK client's 1012", 0, waitMs);
        return { code: change.code, reason: change.reason, at: Date.now() - startedAt };
      });
      const closes = await Promise.all([...rawCloses, ...sdkCloses]);
      for (const raw of raws) raw.destroy();

      expect(closes.filter((close) => close.code !== CloseCode.serviceRestart)).toEqual([]);
      const times = closes.map((close) => close.at).sort((a, b) => a - b);
      const buckets = new Map<number, number>();
      for (const at of times) buckets.set(Math.floor(at / BUCKET_MS), (buckets.get(Math.floor(at / BUCKET_MS)) ?? 0) + 1);
      const fullest = Math.max(...buckets.values());
      console.log(`drain: ${closes.length} closes from ${times[0]} to ${times.at(-1)} ms after the request (window ${DRAIN_OVER_MS} ms), ${buckets.size} buckets of ${BUCKET_MS} ms, fullest ${fullest}`);
      expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual(DRAIN_OVER_MS / 2);
      expect(times.at(-1)!).toBeLessThanOrEqual(DRAIN_OVER_MS + CLOSE_SLACK_MS);
      expect(fullest).toBeLessThanOrEqual(closes.length * 0.4);

      // Every SDK client comes back (within its 1 s jitter) and is not drained again.
      for (const { seen } of sdks) await waitForState(seen, "open", "SDK client back after its 1012", 1, 5_000);
      await sleep(300);
      publishing = false;
      await publisher;
      const expected = [...published].sort((a, b) => a - b);
      for (const { client, seen } of sdks) {
        await waitUntil(() => seen.messages.length >= expected.length, "every published message", 10_000, () => `got ${seen.messages.length} of ${expected.length}`);
        expect(seen.messages.map((message) => message.seq)).toEqual(expected);
        expect(seen.resumes.every((outcome) => outcome.recovered)).toBe(true);
        expect(seen.states.filter((change) => change.state === "reconnecting").map((change) => change.code)).toEqual([CloseCode.serviceRestart]);
        client.close();
      }
      expect(expected.length).toBeGreaterThan(DRAIN_OVER_MS / (PUBLISH_EVERY_MS * 10));
    },
    40_000,
  );

  it("a sharded room drains the connections of every shard", async () => {
    const room = "drain-sharded-a";
    const raws: RawSocket[] = [];
    for (let i = 0; i < 16; i++) raws.push(await rawUpgrade(gateway.port, `/rooms/${room}`));
    const before = await info(room);
    expect(before.connections).toBe(16);
    const answer = await drain(gateway.httpUrl, room, '{"overMs":200}');
    expect(await answer.json()).toEqual({ room, connections: 16, overMs: 200 });
    const codes = await Promise.all(raws.map(async (raw) => (await raw.waitForCloseFrame(5_000)).code));
    expect(codes).toEqual(raws.map(() => CloseCode.serviceRestart));
    for (const raw of raws) raw.destroy();
  });

  it("SSE, SockJS and STOMP clients of the room are drained with 1012 too", async () => {
    const room = "drain-transports";
    const sse = await openSse(room);
    await sse.waitFor((event) => event.event === "welcome", "SSE welcome");
    const sockjs = await openSockjs(`${gateway.httpUrl}/sockjs/${room}`, "xhr-streaming");
    const stomp = await connectStomp(`${gateway.wsUrl}/rooms/${room}`);
    const answer = await drain(gateway.httpUrl, room, '{"overMs":0}');
    expect(await answer.json()).toEqual({ room, connections: 3, overMs: 0 });
    const closeEvent = await sse.waitFor((event) => event.event === "close", "SSE close event");
    expect(JSON.parse(closeEvent.data)).toMatchObject({ code: CloseCode.serviceRestart });
    expect((await withTimeout(sockjs.closed, 5_000, "SockJS close")).code).toBe(CloseCode.serviceRestart);
    expect((await withTimeout(stomp.closed, 5_000, "STOMP close")).code).toBe(CloseCode.serviceRestart);
  });

  it("an empty body drains over the default 10 s; a room with no connections answers 0", async () => {
    const answer = await drain(gateway.httpUrl, "drain-empty");
    expect(answer.status).toBe(202);
    expect(await answer.json()).toEqual({ room: "drain-empty", connections: 0, overMs: 10_000 });
  });

  for (const body of ['{"overMs":-1}', '{"overMs":1.5}', '{"overMs":"100"}', '{"overMs":600001}', '{"overMS":100}', "[100]", "100", "{"]) {
    it(`answers ${body} with 400 and drains nothing`, async () => {
      const room = "drain-bad-body";
      const { client } = await connectV1(`${gateway.wsUrl}/rooms/${room}`);
      const answer = await drain(gateway.httpUrl, room, body);
      expect(answer.status).toBe(400);
      expect((await answer.json()).error.code).toBe("bad_request");
      await sleep(100);
      expect(client.ws.readyState).toBe(client.ws.OPEN);
      client.close();
    });
  }
});

describe("drain auth", () => {
  const gateway = useGateway(tokenModeVars);

  it("401 without credentials, 403 for a token without admin or of other rooms, 202 with the API key or a covering admin token", async () => {
    expect((await drain(gateway.httpUrl, "team-a-drain", "{}")).status).toBe(401);
    expect((await drain(gateway.httpUrl, "team-a-drain", "{}", { Authorization: "Bearer wrong" })).status).toBe(401);
    const user = await mintToken({ sub: "u", rooms: ["*"] });
    expect((await drain(gateway.httpUrl, "team-a-drain", "{}", { Authorization: `Bearer ${user}` })).status).toBe(403);
    const teamB = await mintToken({ sub: "b", can: ["admin"], rooms: ["team-b-*"] });
    const outside = await drain(gateway.httpUrl, "team-a-drain", "{}", { Authorization: `Bearer ${teamB}` });
    expect(outside.status).toBe(403);
    expect(await outside.json()).toEqual({ error: { code: "forbidden", message: "token is not for this room" } });
    const teamA = await mintToken({ sub: "a", can: ["admin"], rooms: ["team-a-*"] });
    expect((await drain(gateway.httpUrl, "team-a-drain", "{}", { Authorization: `Bearer ${teamA}` })).status).toBe(202);
    expect((await drain(gateway.httpUrl, "team-a-drain", "{}", { Authorization: `Bearer ${API_KEY}` })).status).toBe(202);
  });
});

describe("drain across hibernation", () => {
  const gateway = useGateway({ ROOM_POLICIES: JSON.stringify([{ match: "drain-sleepy", presenceListMaxMembers: 3 }]) }, { own: true });
  /** Local workerd hibernates a room after ~10 s without events: the second close comes later. */
  const OVER_MS = 28_000;

  it(
    "the next step runs from the alarm after the room hibernated between steps",
    async () => {
      const room = "drain-sleepy";
      const first = await connect(`${gateway.wsUrl}/rooms/${room}`);
      const second = await connect(`${gateway.wsUrl}/rooms/${room}`);
      // Each sends a frame, so the room's close reaches `ws` at once (local workerd quirk).
      first.ws.send("hello");
      second.ws.send("hello");
      const startedAt = Date.now();
      expect(await (await drain(gateway.httpUrl, room, JSON.stringify({ overMs: OVER_MS }))).json()).toMatchObject({ connections: 2 });
      const closes = await Promise.all(
        [first, second].map(async (client) => ({ ...(await withTimeout(client.closed, OVER_MS, "drained")), at: Date.now() - startedAt })),
      );
      const [early, late] = closes.sort((a, b) => a.at - b.at);
      expect([early!.code, late!.code]).toEqual([CloseCode.serviceRestart, CloseCode.serviceRestart]);
      expect(early!.at).toBeLessThan(3_000);
      expect(late!.at).toBeGreaterThanOrEqual(OVER_MS / 2 - 100);
      const wakes = gateway.output().split("\n").filter((line) => line.includes('"event":"wake"') && line.includes(`"room":"${room}"`) && !line.includes('"connections":0'));
      expect(wakes.length, "the room hibernated and woke for the second step").toBeGreaterThanOrEqual(1);
    },
    45_000,
  );
});
