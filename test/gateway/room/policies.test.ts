import { describe, expect, it } from "vitest";
import { CloseCode } from "../../../src/shared/close-codes";
import { connect, connectV1, expectClose, framesOf, settle, waitForFrame, type Frame } from "../../helpers/clients";
import { refusedStart } from "../../helpers/gateway";
import { useGateway } from "../../helpers/use-gateway";
import { JSON_HEADERS, publishBatch, readHistory } from "../../helpers/http-api";

const BATCH_MS = 60;
const POLICIES = [
  { match: "quotes-*", clientPublish: false, batchMs: BATCH_MS, conflate: true, binary: "deny" },
  { match: "batch-*", batchMs: BATCH_MS },
  { match: "small-*", maxConnections: 2, historyMaxMessages: 2 },
  // more than the room's capacity-check margin (64), so most connects take the running count
  { match: "crowd-*", maxConnections: 80 },
];

const batches = (frames: Frame[]) => frames.filter((f) => f.type === "batch");

describe("room policies", () => {
  const gateway = useGateway({ ROOM_POLICIES: JSON.stringify(POLICIES), RATE_LIMIT_MESSAGES_PER_SECOND: 10_000 });

  it("refuses client publishes with forbidden where clientPublish is false, and drops raw ones", async () => {
    const v1 = await connectV1(`${gateway.wsUrl}/rooms/quotes-eu`);
    const raw = await connect(`${gateway.wsUrl}/rooms/quotes-eu`);
    v1.client.ws.send(JSON.stringify({ type: "publish", data: 1, id: "p1" }));
    expect(await waitForFrame(v1.client, (f) => f.type === "error", "forbidden")).toMatchObject({ code: "forbidden", id: "p1" });
    raw.ws.send("not allowed either");
    await settle(150);
    const history = await readHistory(gateway.httpUrl, "quotes-eu");
    expect(history.seq).toBe(0);
    expect(raw.ws.readyState).toBe(raw.ws.OPEN);
    v1.client.close();
    raw.close();
  });

  it("closes a binary frame with 1003 where binary is denied", async () => {
    const client = await connect(`${gateway.wsUrl}/rooms/quotes-bin`);
    client.ws.send(Buffer.from([1, 2, 3]));
    expect((await expectClose(client, "binary in a text-only room")).code).toBe(CloseCode.unsupportedData);
  });

  it("sends v1 connections batch frames and raw connections single frames, all in seq order", async () => {
    const v1 = await connectV1(`${gateway.wsUrl}/rooms/batch-a`);
    const raw = await connect(`${gateway.wsUrl}/rooms/batch-a`);
    const results = await publishBatch(gateway.httpUrl, Array.from({ length: 20 }, (_, i) => ({ room: "batch-a", data: `m${i}` })));
    await waitForFrame(v1.client, () => batches(framesOf(v1.client)).flatMap((b) => b.messages).length >= 20, "20 batched messages");
    const received = batches(framesOf(v1.client));
    expect(received.length).toBeLessThan(20);
    const messages = received.flatMap((b) => b.messages);
    expect(messages.map((m: Frame) => m.seq)).toEqual(results.map((r) => r.seq));
    expect(messages[0]).toMatchObject({ type: "message", from: "api", data: "m0" });
    expect(framesOf(v1.client).some((f) => f.type === "message")).toBe(false);
    await raw.waitForCount(20, "20 raw frames");
    expect(raw.texts()).toEqual(Array.from({ length: 20 }, (_, i) => `m${i}`));
    v1.client.close();
    raw.close();
  });

  it("does not batch a connection's own publish back to it", async () => {
    const publisher = await connectV1(`${gateway.wsUrl}/rooms/batch-own`);
    const other = await connectV1(`${gateway.wsUrl}/rooms/batch-own`);
    publisher.client.ws.send(JSON.stringify({ type: "publish", data: "mine", id: "o1" }));
    await waitForFrame(other.client, (f) => f.type === "batch", "batch at the other client");
    await settle(BATCH_MS * 2);
    expect(batches(framesOf(publisher.client))).toEqual([]);
    publisher.client.close();
    other.client.close();
  });

  it("conflates to the newest message per topic within a batch, and resume still replays everything", async () => {
    const { client, welcome } = await connectV1(`${gateway.wsUrl}/rooms/quotes-us`);
    const results = await publishBatch(gateway.httpUrl, [
      { room: "quotes-us", topic: "AAPL", data: 1 },
      { room: "quotes-us", topic: "MSFT", data: 10 },
      { room: "quotes-us", topic: "AAPL", data: 2 },
      { room: "quotes-us", data: "news" },
      { room: "quotes-us", topic: "AAPL", data: 3 },
    ]);
    await waitForFrame(client, (f) => f.type === "batch", "a conflated batch");
    await settle(BATCH_MS * 2);
    const delivered = batches(framesOf(client)).flatMap((b) => b.messages);
    expect(delivered.map((m: Frame) => [m.topic ?? null, m.data])).toEqual([
      ["MSFT", 10],
      [null, "news"],
      ["AAPL", 3],
    ]);
    client.close();
    const resumed = await connectV1(`${gateway.wsUrl}/rooms/quotes-us?since=0&epoch=${welcome.epoch}`);
    expect(resumed.welcome).toMatchObject({ recovered: true, missed: 5 });
    await waitForFrame(resumed.client, (f) => f.type === "message" && f.seq === results[4]!.seq!, "replay of every seq");
    expect(framesOf(resumed.client).filter((f) => f.type === "message").map((f) => f.seq)).toEqual(results.map((r) => r.seq));
    resumed.client.close();
  });

  it("keeps maxConnections exact in a room bigger than the capacity check's margin, across leaves", async () => {
    const url = `${gateway.wsUrl}/rooms/crowd-1`;
    const early = await Promise.all(Array.from({ length: 30 }, () => connect(url)));
    for (const client of early) client.close(1000);
    await Promise.all(early.map((client) => expectClose(client, "an early member leaving")));
    const members = await Promise.all(Array.from({ length: 80 }, () => connect(url)));
    const extra = await connect(url);
    expect((await expectClose(extra, "the 81st connection")).code).toBe(CloseCode.tryAgainLater);
    const leaving = members.splice(0, 10);
    for (const client of leaving) client.close(1000);
    await Promise.all(leaving.map((client) => expectClose(client, "a member leaving")));
    await settle(200);
    members.push(...(await Promise.all(Array.from({ length: 10 }, () => connect(url)))));
    const over = await connect(url);
    expect((await expectClose(over, "the connection over capacity after the refill")).code).toBe(CloseCode.tryAgainLater);
    for (const member of members) expect(member.ws.readyState).toBe(member.ws.OPEN);
    for (const member of members) member.close(1000);
  });

  it("applies maxConnections and historyMaxMessages from the matching policy", async () => {
    const a = await connect(`${gateway.wsUrl}/rooms/small-1`);
    const b = await connect(`${gateway.wsUrl}/rooms/small-1`);
    const c = await connect(`${gateway.wsUrl}/rooms/small-1`);
    expect((await expectClose(c, "third connection in a room of 2")).code).toBe(CloseCode.tryAgainLater);
    await publishBatch(gateway.httpUrl, ["x", "y", "z"].map((data) => ({ room: "small-1", data })));
    const history = await readHistory(gateway.httpUrl, "small-1");
    expect(history.messages.map((m: Frame) => m.data)).toEqual(["y", "z"]);
    a.close();
    b.close();
  });
});

describe("invalid room policies", () => {
  it("stop the gateway at start with an error naming the policy field", async () => {
    const failure = await refusedStart({ vars: { ROOM_POLICIES: JSON.stringify([{ match: "a-*", batchMs: -5 }]) } });
    expect(failure).toMatch(/exited with 1 before serving/);
    expect(failure).toContain("ROOM_POLICIES[0].batchMs");
    expect(failure).not.toMatch(/Ready on/);
  });
});
