import { describe, expect, it } from "vitest";
import { CloseCode } from "../../../src/shared/close-codes";
import { DEFAULT_LIMITS } from "../../../src/shared/limits";
import { connect, connectV1, expectClose, framesOf, settle, waitForFrame } from "../../helpers/clients";
import { useGateway } from "../../helpers/use-gateway";
import { readHistory } from "../../helpers/http-api";

describe("roomcast.v1 protocol", () => {
  const gateway = useGateway();
  const url = (room: string, query = "") => `${gateway.wsUrl}/rooms/${room}${query}`;

  it("welcomes with connection id, user id, epoch, seq, members and limits", async () => {
    const first = await connectV1(url("welcome", "?user=ann"));
    const { client, welcome } = await connectV1(url("welcome", "?user=bo"));
    expect(welcome).toMatchObject({ type: "welcome", room: "welcome", userId: "bo", seq: 0, limits: DEFAULT_LIMITS });
    expect(welcome.epoch).toBe(first.welcome.epoch);
    expect(welcome.members.map((m: { connectionId: string }) => m.connectionId).sort()).toEqual([first.welcome.connectionId, welcome.connectionId].sort());
    expect(welcome.recovered).toBeUndefined();
    first.client.close();
    client.close();
  });

  it("acknowledges a publish with an id and relays message frames with seq, topic, from, data and ts", async () => {
    const publisher = await connectV1(url("pub"));
    const subscriber = await connectV1(url("pub"));
    publisher.client.ws.send(JSON.stringify({ type: "publish", data: { px: 1 }, topic: "AAPL", id: "p1" }));
    const ack = await waitForFrame(publisher.client, (f) => f.type === "ack", "ack");
    expect(ack).toEqual({ type: "ack", id: "p1", seq: 1 });
    const message = await waitForFrame(subscriber.client, (f) => f.type === "message", "message frame");
    expect(message).toEqual({ type: "message", seq: 1, topic: "AAPL", from: publisher.welcome.connectionId, data: { px: 1 }, ts: expect.any(Number) });
    expect(framesOf(publisher.client).some((f) => f.type === "message")).toBe(false);
    publisher.client.close();
    subscriber.client.close();
  });

  it("does not publish twice for a repeated publish id, and acks it with the first seq", async () => {
    // Ids are scoped by user: a user's reconnected client may resend (anonymous ids are per connection).
    const publisher = await connectV1(url("idempotent", "?user=resender"));
    const subscriber = await connectV1(url("idempotent"));
    publisher.client.ws.send(JSON.stringify({ type: "publish", data: "once", id: "same" }));
    await waitForFrame(publisher.client, (f) => f.type === "ack", "first ack");
    publisher.client.close();
    const again = await connectV1(url("idempotent", "?user=resender"));
    again.client.ws.send(JSON.stringify({ type: "publish", data: "once", id: "same" }));
    const ack = await waitForFrame(again.client, (f) => f.type === "ack", "ack of the resend");
    expect(ack.seq).toBe(1);
    await settle(150);
    expect(framesOf(subscriber.client).filter((f) => f.type === "message")).toHaveLength(1);
    again.client.close();
    subscriber.client.close();
  });

  it("shares one seq space between raw and v1 connections", async () => {
    const raw = await connect(url("mixed"));
    const v1 = await connectV1(url("mixed"));
    raw.ws.send("from raw");
    const fromRaw = await waitForFrame(v1.client, (f) => f.type === "message", "raw text as a v1 message");
    expect(fromRaw).toMatchObject({ seq: 1, data: "from raw" });
    v1.client.ws.send(JSON.stringify({ type: "publish", data: { n: 2 } }));
    v1.client.ws.send(JSON.stringify({ type: "publish", data: "plain" }));
    await raw.waitForCount(2, "two v1 publishes at the raw client");
    expect(raw.texts()).toEqual(['{"n":2}', "plain"]);
    const history = await readHistory(gateway.httpUrl, "mixed");
    expect(history.messages.map((m: { seq: number }) => m.seq)).toEqual([1, 2, 3]);
    raw.close();
    v1.client.close();
  });

  it("delivers a direct message to one connection only, unsequenced and unstored", async () => {
    const sender = await connectV1(url("direct"));
    const target = await connectV1(url("direct"));
    const bystander = await connectV1(url("direct"));
    sender.client.ws.send(JSON.stringify({ type: "direct", to: target.welcome.connectionId, data: { secret: 1 }, id: "d1" }));
    const direct = await waitForFrame(target.client, (f) => f.type === "direct", "direct message");
    expect(direct).toEqual({ type: "direct", from: sender.welcome.connectionId, data: { secret: 1 }, ts: expect.any(Number) });
    expect(await waitForFrame(sender.client, (f) => f.type === "ack", "direct ack")).toEqual({ type: "ack", id: "d1" });
    await settle(150);
    expect(framesOf(bystander.client).some((f) => f.type === "direct")).toBe(false);
    const history = await readHistory(gateway.httpUrl, "direct");
    expect(history).toMatchObject({ seq: 0, messages: [] });
    for (const { client } of [sender, target, bystander]) client.close();
  });

  it("answers a direct message to an unknown connection with error not_found", async () => {
    const sender = await connectV1(url("direct-missing"));
    sender.client.ws.send(JSON.stringify({ type: "direct", to: "nobody", data: 1, id: "d2" }));
    expect(await waitForFrame(sender.client, (f) => f.type === "error", "not_found error")).toMatchObject({ code: "not_found", id: "d2" });
    sender.client.close();
  });

  it("answers {type: ping} with pong and the same id", async () => {
    const { client } = await connectV1(url("pings"));
    client.ws.send(JSON.stringify({ type: "ping", id: "hb" }));
    expect(await waitForFrame(client, (f) => f.type === "pong", "pong frame")).toEqual({ type: "pong", id: "hb" });
    client.close();
  });

  it("answers an unknown type with error unknown_type and stays open", async () => {
    const { client } = await connectV1(url("unknown"));
    const peer = await connectV1(url("unknown"));
    client.ws.send(JSON.stringify({ type: "teleport", id: "u1" }));
    expect(await waitForFrame(client, (f) => f.type === "error", "unknown_type error")).toMatchObject({ code: "unknown_type", id: "u1" });
    client.ws.send(JSON.stringify({ type: "publish", data: "still open" }));
    expect(await waitForFrame(peer.client, (f) => f.type === "message", "publish after the error")).toMatchObject({ data: "still open" });
    client.close();
    peer.client.close();
  });

  for (const [label, text] of [
    ["not JSON", "hello there"],
    ["a JSON array", "[1,2,3]"],
    ["an object without a type", '{"data":1}'],
    ["a publish without data", '{"type":"publish"}'],
    ["a subscribe with a non-list", '{"type":"subscribe","topics":"AAPL"}'],
  ] as const) {
    it(`closes with 1007 on ${label}, leaving the others connected`, async () => {
      const { client } = await connectV1(url("invalid"));
      const peer = await connectV1(url("invalid"));
      client.ws.send(text);
      expect((await expectClose(client, `after ${label}`)).code).toBe(CloseCode.invalidPayload);
      expect(peer.client.ws.readyState).toBe(peer.client.ws.OPEN);
      peer.client.close();
    });
  }

  it("answers a bad topic with error bad_request", async () => {
    const { client } = await connectV1(url("bad-topic"));
    client.ws.send(JSON.stringify({ type: "subscribe", topics: [""] }));
    expect(await waitForFrame(client, (f) => f.type === "error", "bad_request for an empty topic")).toMatchObject({ code: "bad_request" });
    client.ws.send(JSON.stringify({ type: "publish", data: 1, topic: "x".repeat(300), id: "t" }));
    expect(await waitForFrame(client, (f) => f.type === "error" && f.id === "t", "bad_request for a long topic")).toMatchObject({ code: "bad_request" });
    client.close();
  });
});
