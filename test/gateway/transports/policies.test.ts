import { afterAll, describe, expect, it } from "vitest";
import { connect, type TestClient } from "../../helpers/clients";
import { useGateway } from "../../helpers/use-gateway";
import { openSockjs, type SockjsTestClient } from "../../helpers/sockjs-client";
import { openSse, type SseStream } from "../../helpers/sse-client";
import { connectStomp, subscribeWithReceipt, type StompTestClient } from "../../helpers/stomp-client";
import { publishHttp } from "../../helpers/http-api";

/** Batching rooms send v1 links `batch` frames; sharded rooms spread links over shard objects. */
const POLICIES = [
  { match: "batched-*", batchMs: 20, conflate: false },
  { match: "sharded-*", shards: 3 },
];
/** Enough links that they land on more than one shard of three. */
const LINKS_PER_TRANSPORT = 3;
const MESSAGES = 5;

const gateway = useGateway({ ROOM_POLICIES: JSON.stringify(POLICIES) });
const streams: SseStream[] = [];
const stomps: StompTestClient[] = [];
const sessions: SockjsTestClient[] = [];
const sockets: TestClient[] = [];

afterAll(async () => {
  for (const stream of streams) stream.close();
  for (const stomp of stomps) await stomp.client.deactivate({ force: true });
  for (const session of sessions) session.sock.close();
  for (const socket of sockets) socket.close();
});

/** Opens SSE, STOMP and SockJS links to `room`, publishes MESSAGES, and checks each got all, in order. */
async function everyTransportGetsEverything(room: string): Promise<void> {
  for (let i = 0; i < LINKS_PER_TRANSPORT; i++) {
    const stream = await openSse(`${gateway.httpUrl}/rooms/${room}/events`);
    streams.push(stream);
    await stream.waitFor((e) => e.event === "welcome", "SSE welcome");
    const stomp = await connectStomp(`${gateway.wsUrl}/rooms/${room}`);
    stomps.push(stomp);
    await subscribeWithReceipt(stomp, "/topic/t", `sub-${i}`);
    sessions.push(await openSockjs(`${gateway.httpUrl}/sockjs/${room}`, "websocket"));
  }
  const raw = await connect(`${gateway.wsUrl}/rooms/${room}`);
  sockets.push(raw);
  const seqs: number[] = [];
  for (let i = 1; i <= MESSAGES; i++) seqs.push(await publishHttp(gateway.httpUrl, room, `m${i}`, "t"));
  const texts = seqs.map((_, i) => `m${i + 1}`);
  for (const stream of streams.slice(-LINKS_PER_TRANSPORT)) {
    await stream.waitUntil(() => stream.events.filter((e) => e.id !== undefined).length >= MESSAGES, "every message on SSE");
    expect(stream.events.filter((e) => e.id !== undefined).map((e) => Number(e.id))).toEqual(seqs);
  }
  for (const stomp of stomps.slice(-LINKS_PER_TRANSPORT)) {
    await stomp.waitForMessages(MESSAGES, "every message on STOMP");
    expect(stomp.messages.map((m) => Number(m.headers["message-id"]))).toEqual(seqs);
  }
  for (const session of sessions.slice(-LINKS_PER_TRANSPORT)) {
    await session.waitForMessage(texts.at(-1)!);
    expect(session.messages).toEqual(texts);
  }
}

describe("fallback transports in rooms with policies", () => {
  it("unpack the batch frames of a batching room, in seq order", async () => {
    await everyTransportGetsEverything("batched-room");
  });

  it("reach every shard of a sharded room with one seq space", async () => {
    await everyTransportGetsEverything("sharded-room");
  });
});
