/**
 * @module pipeline.test
 * The room's group-commit pipeline (src/room/pipeline.ts) and its reply order
 * (src/room/reply-order.ts), end to end on the real gateway: answers in arrival order, a
 * subscribe taking effect between two messages, sharded snapshots before the next reply (v1
 * and STOMP), batch publishes in one group, HTTP idempotency ids, and resume replaying exactly
 * what live delivery sent.
 */
import { afterAll, describe, expect, it } from "vitest";
import { connectV1, framesOf, waitForFrame, type Frame, type TestClient } from "../../helpers/clients";
import { useGateway } from "../../helpers/use-gateway";
import { JSON_HEADERS, publishBatch, readHistory, postMessage, publishHttp } from "../../helpers/http-api";
import { waitUntil } from "../../helpers/sdk";
import { connectStomp, subscribeWithReceipt, type StompTestClient } from "../../helpers/stomp-client";

const SHARDS = 4;
/** With random placement, 8 connections all on one shard has odds 4^-7: most tests hit several. */
const SHARDED_CLIENTS = 8;
const BURST = 200;

const gateway = useGateway({ ROOM_POLICIES: JSON.stringify([{ match: "shard-*", shards: SHARDS }]), RATE_LIMIT_MESSAGES_PER_SECOND: 100_000 });
const sockets: TestClient[] = [];
const stomps: StompTestClient[] = [];

async function v1(room: string, query = ""): Promise<{ client: TestClient; welcome: Frame }> {
  const opened = await connectV1(`${gateway.wsUrl}/rooms/${room}${query}`);
  sockets.push(opened.client);
  return opened;
}

const messagesOf = (client: TestClient) => framesOf(client).filter((f) => f.type === "message");
const send = (client: TestClient, frame: object) => client.ws.send(JSON.stringify(frame));

async function publishAnswer(room: string, body: object): Promise<{ status: number; seq?: number }> {
  const response = await postMessage(gateway.httpUrl, room, body);
  return { status: response.status, ...(await response.json()) };
}

async function history(room: string): Promise<Frame[]> {
  return (await readHistory(gateway.httpUrl, room, "?limit=1000")).messages;
}

afterAll(async () => {
  for (const stomp of stomps) await stomp.client.deactivate({ force: true });
  for (const socket of sockets) socket.close();
});

describe("reply order", () => {
  it("answers every frame in arrival order: acks of earlier publishes, then the pong, then later acks", async () => {
    const { client } = await v1("order-replies");
    for (let i = 0; i < BURST; i++) {
      send(client, { type: "publish", data: i, id: `p${i}` });
      if (i % 50 === 49) send(client, { type: "ping", id: `after-${i}` });
    }
    await waitForFrame(client, (f) => f.type === "pong" && f.id === `after-${BURST - 1}`, "the last pong");
    const answers = framesOf(client).filter((f) => f.type === "ack" || f.type === "pong").map((f) => f.id);
    const expected: string[] = [];
    for (let i = 0; i < BURST; i++) expected.push(`p${i}`, ...(i % 50 === 49 ? [`after-${i}`] : []));
    expect(answers).toEqual(expected);
    const seqs = framesOf(client).filter((f) => f.type === "ack").map((f) => f.seq);
    expect(seqs).toEqual(Array.from({ length: BURST }, (_, i) => i + 1));
  });

  it("makes a subscribe take effect between two messages: a topic's snapshot, then every later message once", async () => {
    const { client: publisher } = await v1("order-subscribe");
    const { client: subscriber } = await v1("order-subscribe", "?topics=elsewhere");
    for (let i = 0; i < BURST; i++) {
      send(publisher, { type: "publish", data: i, topic: "AAPL", id: `q${i}` });
      // The subscribe lands somewhere in the middle of the burst, racing the groups in flight.
      if (i === BURST / 2) send(subscriber, { type: "subscribe", topics: ["AAPL"] });
    }
    await waitForFrame(publisher, (f) => f.type === "ack" && f.id === `q${BURST - 1}`, "the last ack");
    await waitForFrame(subscriber, (f) => f.type === "message" && f.seq === BURST, "the last message");
    const seqs = messagesOf(subscriber).map((f) => f.seq);
    const snapshots = messagesOf(subscriber).filter((f) => f.snapshot);
    expect(snapshots.length).toBeLessThanOrEqual(1);
    // Contiguous from the first one received to the last: nothing twice, nothing skipped.
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => seqs[0]! + i));
  });

  it("answers a subscribe's snapshots before the pong that follows it in a sharded room", async () => {
    await publishHttp(gateway.httpUrl, "shard-snapshots", { px: 101.5 }, "AAPL");
    await publishHttp(gateway.httpUrl, "shard-snapshots", { px: 1.09 }, "fx.eurusd");
    const clients = await Promise.all(Array.from({ length: SHARDED_CLIENTS }, () => v1("shard-snapshots", "?topics=none")));
    for (const { client } of clients) {
      send(client, { type: "subscribe", topics: ["AAPL", "fx.*"] });
      send(client, { type: "ping", id: "after-subscribe" });
    }
    for (const { client } of clients) {
      await waitForFrame(client, (f) => f.type === "pong", "the pong after the subscribe");
      const order = framesOf(client).filter((f) => f.type !== "welcome" && f.type !== "presence").map((f) => (f.type === "message" ? `${f.topic}:${f.snapshot}` : f.type));
      expect(order).toEqual(["AAPL:true", "fx.eurusd:true", "pong"]);
    }
  });

  it("gives a STOMP subscriber in a sharded room the destination's snapshot", async () => {
    const seq = await publishHttp(gateway.httpUrl, "shard-stomp", { px: 101.5 }, "quotes.AAPL");
    for (let i = 0; i < SHARDED_CLIENTS; i++) {
      const stomp = await connectStomp(`${gateway.wsUrl}/rooms/shard-stomp`);
      stomps.push(stomp);
      await subscribeWithReceipt(stomp, "/topic/quotes.AAPL", `sub-${i}`);
      await stomp.waitForMessages(1, "the snapshot of quotes.AAPL");
      expect(stomp.messages[0]!.headers).toMatchObject({ "message-id": String(seq), snapshot: "true" });
    }
  });
});

describe("batch publish", () => {
  it("stores a request's entries for one room together (one write, one timestamp), results in entry order", async () => {
    // 99 good entries and a bad one: the 100 a request may hold.
    const entries = Array.from({ length: 99 }, (_, i) => (i % 10 === 3 ? { room: "batch-two", data: `two-${i}` } : { room: "batch-one", data: `one-${i}` }));
    entries.splice(50, 0, { room: "bad room!", data: 0 } as never);
    const results = await publishBatch(gateway.httpUrl, entries);
    expect(results).toHaveLength(entries.length);
    expect(results[50]).toMatchObject({ error: { code: "invalid_room" } });
    const seqsFor = (room: string) => results.filter((r) => r.room === room && r.seq !== undefined).map((r) => r.seq);
    expect(seqsFor("batch-one")).toEqual(Array.from({ length: 89 }, (_, i) => i + 1));
    expect(seqsFor("batch-two")).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
    const stored = await history("batch-one");
    expect(stored.map((m) => m.data)).toEqual(entries.filter((e) => e.room === "batch-one").map((e) => e.data));
    expect(new Set(stored.map((m) => m.ts)).size).toBe(1);
  });

  it("keeps each topic's newest message of a batch as its snapshot", async () => {
    const topics = ["AAPL", "MSFT", "AAPL", "MSFT", "AAPL", "GOOG"];
    const results = await publishBatch(gateway.httpUrl, topics.map((topic, i) => ({ room: "batch-quotes", topic, data: `${topic}-${i}` })));
    expect(results.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    const { client } = await v1("batch-quotes", "?topics=elsewhere");
    send(client, { type: "subscribe", topics: ["AAPL", "MSFT", "GOOG"] });
    await waitForFrame(client, (f) => f.type === "message" && f.topic === "GOOG", "the GOOG snapshot");
    const snapshots = messagesOf(client).map((f) => [f.snapshot, f.topic, f.seq, f.data]);
    expect(snapshots).toEqual([
      [true, "MSFT", 4, "MSFT-3"],
      [true, "AAPL", 5, "AAPL-4"],
      [true, "GOOG", 6, "GOOG-5"],
    ]);
  });

  it("delivers a sharded room's batch in seq order on every shard", async () => {
    const clients = await Promise.all(Array.from({ length: SHARDED_CLIENTS }, () => v1("shard-batch")));
    const results = await publishBatch(gateway.httpUrl, Array.from({ length: 100 }, (_, i) => ({ room: "shard-batch", data: i })));
    expect(results.map((r) => r.seq)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    for (const { client } of clients) {
      await waitForFrame(client, (f) => f.type === "message" && f.seq === 100, "the whole batch");
      expect(messagesOf(client).map((f) => [f.seq, f.data])).toEqual(Array.from({ length: 100 }, (_, i) => [i + 1, i]));
    }
  });
});

describe("HTTP publish ids", () => {
  it("answers a repeated id with the first seq and stores the message once (single and batch)", async () => {
    const first = await publishAnswer("ids-http", { data: "first", id: "order-1" });
    expect(first).toEqual({ status: 202, seq: 1 });
    expect(await publishAnswer("ids-http", { data: "retry", id: "order-1" })).toEqual({ status: 202, seq: 1 });
    const results = await publishBatch(gateway.httpUrl, [
      { room: "ids-http", data: "again", id: "order-1" },
      { room: "ids-http", data: "new", id: "order-2" },
      { room: "ids-http", data: "new, repeated in the same request", id: "order-2" },
      { room: "ids-http", data: "no id" },
    ] as never);
    expect(results.map((r) => r.seq)).toEqual([1, 2, 2, 3]);
    expect((await history("ids-http")).map((m) => m.data)).toEqual(["first", "new", "no id"]);
  });

  it("keeps HTTP ids apart from socket ids", async () => {
    const { client } = await v1("ids-scope");
    send(client, { type: "publish", data: "from the socket", id: "shared" });
    const ack = await waitForFrame(client, (f) => f.type === "ack", "the socket's ack");
    const http = await publishAnswer("ids-scope", { data: "from the API", id: "shared" });
    expect(http.seq).not.toBe(ack.seq);
    expect((await history("ids-scope")).map((m) => m.data)).toEqual(["from the socket", "from the API"]);
  });

  it("answers a bad id with 400 and publishes nothing", async () => {
    for (const id of ["", 7, "x".repeat(129)]) {
      const response = await postMessage(gateway.httpUrl, "ids-bad", { data: 1, id });
      expect(response.status).toBe(400);
      expect((await response.json()).error.code).toBe("bad_request");
    }
    expect(await history("ids-bad")).toEqual([]);
  });
});

describe("resume", () => {
  it("replays exactly what live delivery sent, resuming in the middle of a burst from sockets and HTTP", async () => {
    const room = "resume-exact";
    const { client: observer, welcome } = await v1(room);
    const publishers = await Promise.all([v1(room), v1(room)]);
    publishers.forEach(({ client }, p) => {
      for (let i = 0; i < BURST; i++) send(client, { type: "publish", data: { p, i }, topic: i % 2 ? "odd" : "even" });
    });
    const http = Promise.all(Array.from({ length: 50 }, (_, i) => publishHttp(gateway.httpUrl, room, { http: i })));
    const total = 2 * BURST + 50;
    await waitUntil(() => messagesOf(observer).length >= BURST / 2, "some messages live");
    const since = messagesOf(observer).at(-1)!.seq as number;
    const { client: resumed, welcome: resumedWelcome } = await v1(room, `?since=${since}&epoch=${welcome.epoch}`);
    expect(resumedWelcome.recovered).toBe(true);
    await http;
    await waitUntil(() => messagesOf(observer).length >= total && messagesOf(resumed).length >= total - since, "every message at both clients", 20_000);
    const live = messagesOf(observer).filter((f) => f.seq > since);
    expect(messagesOf(resumed)).toEqual(live);
    expect(messagesOf(observer).map((f) => f.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
  });
});
