/**
 * @module inbound-frames.test
 * The room's answer to each client frame (src/room/inbound.ts) against a recording host and fake
 * sockets (fake-room.ts), without a runtime: raw text, every v1 frame type with its documented
 * answer (docs/protocol.md §3, §7), and the reply order (a reply never overtakes an earlier ack).
 */
import { describe, expect, it } from "vitest";
import { publishKey } from "../../../src/room/publish-key";
import { readSocketState } from "../../../src/room/socket-state";
import { connect, inboundRoom as room, settle } from "./fake-room";

/** Close code of docs/protocol.md for a frame that is not a valid v1 frame. */
const INVALID_PAYLOAD = 1007;

describe("Inbound", () => {
  it("publishes raw text as a JSON string from the sender, with no ack", async () => {
    const { host, receive } = room();
    const ws = connect({ mode: "raw" });
    receive(ws, 'hello "room"');
    await settle();
    expect(host.primary.items).toEqual([{ from: readSocketState(ws)!.id, dataJson: JSON.stringify('hello "room"') }]);
    expect(ws.sent).toEqual([]);
  });

  it("acks a v1 publish with its id and the seq the pipeline gave, keyed by publishKey", async () => {
    const { host, frame } = room();
    host.primary.nextSeq = 41;
    const ws = connect({ userId: "alice" });
    frame(ws, { type: "publish", id: "c1-1", topic: "chat", data: { text: "hi" } });
    await settle();
    const state = readSocketState(ws)!;
    expect(host.primary.items).toEqual([{ from: state.id, topic: "chat", dataJson: '{"text":"hi"}', key: publishKey(state, "c1-1") }]);
    expect(ws.frames()).toEqual([{ type: "ack", id: "c1-1", seq: 41 }]);
  });

  it("publishes a v1 frame without id and sends no ack", async () => {
    const { host, frame } = room();
    const ws = connect();
    frame(ws, { type: "publish", data: 1 });
    await settle();
    expect(host.primary.items).toEqual([{ from: readSocketState(ws)!.id, topic: undefined, dataJson: "1", key: undefined }]);
    expect(ws.sent).toEqual([]);
  });

  it("answers forbidden to a v1 publish in a room where only the HTTP API publishes", async () => {
    const { host, frame } = room();
    host.policy = { ...host.policy, clientPublish: false };
    const ws = connect();
    frame(ws, { type: "publish", id: "c1-1", data: 1 });
    await settle();
    expect(host.primary.items).toEqual([]);
    expect(ws.frames()).toEqual([expect.objectContaining({ type: "error", code: "forbidden", id: "c1-1" })]);
  });

  it("drops raw text in a room where only the HTTP API publishes", async () => {
    const { host, receive } = room();
    host.policy = { ...host.policy, clientPublish: false };
    const ws = connect({ mode: "raw" });
    receive(ws, "hello");
    await settle();
    expect(host.primary.items).toEqual([]);
    expect(ws.sent).toEqual([]);
  });

  it("answers bad_request to a publish whose topic is too long", async () => {
    const { host, frame } = room();
    const ws = connect();
    frame(ws, { type: "publish", id: "c1-1", topic: "t".repeat(257), data: 1 });
    await settle();
    expect(host.primary.items).toEqual([]);
    expect(ws.frames()).toEqual([expect.objectContaining({ type: "error", code: "bad_request", id: "c1-1" })]);
    expect(ws.closes).toEqual([]);
  });

  it("closes with 1007 a v1 frame that is not a valid frame", () => {
    const { frame, receive } = room();
    const notJson = connect();
    receive(notJson, "{not json");
    expect(notJson.closes.map((close) => close.code)).toEqual([INVALID_PAYLOAD]);
    const noData = connect();
    frame(noData, { type: "publish", id: "c1-1" });
    expect(noData.closes.map((close) => close.code)).toEqual([INVALID_PAYLOAD]);
  });

  it("answers unknown_type to an unknown frame type and stays open", () => {
    const { frame } = room();
    const ws = connect();
    frame(ws, { type: "teleport", id: "u1" });
    frame(ws, { type: "ping", id: "p1" });
    expect(ws.frames()).toEqual([expect.objectContaining({ type: "error", code: "unknown_type", id: "u1" }), { type: "pong", id: "p1" }]);
    expect(ws.closes).toEqual([]);
  });

  it("answers a ping with a pong carrying its id", () => {
    const { frame } = room();
    const ws = connect();
    frame(ws, { type: "ping", id: "p1" });
    frame(ws, { type: "ping" });
    expect(ws.frames()).toEqual([{ type: "pong", id: "p1" }, { type: "pong" }]);
  });

  it("answers bad_request to a subscribe over the socket's topic budget and keeps its topics", () => {
    const { host, frame } = room();
    const topics = Array.from({ length: 64 }, (_, i) => `t${i}`);
    const ws = connect({ topics });
    frame(ws, { type: "subscribe", topics: ["one-more"] });
    expect(ws.frames()).toEqual([expect.objectContaining({ type: "error", code: "bad_request" })]);
    expect(ws.storedState()!.topics).toEqual(topics);
    expect(readSocketState(ws)!.topics).toEqual(topics);
    expect(host.snapshotRequests).toEqual([]);
  });

  it("stores a subscribe in the attachment and asks for snapshots of the added topics only", () => {
    const { host, frame } = room();
    const ws = connect({ topics: ["a"] });
    frame(ws, { type: "subscribe", topics: ["a", "b", "c.*", "b"] });
    expect(ws.storedState()!.topics).toEqual(["a", "b", "c.*"]);
    expect(host.snapshotRequests).toEqual([{ connectionId: readSocketState(ws)!.id, topics: ["a", "b", "c.*"], filters: ["b", "c.*"] }]);
    frame(ws, { type: "subscribe", topics: ["a"] });
    expect(host.snapshotRequests).toHaveLength(1);
    expect(ws.sent).toEqual([]);
  });

  it("stores an unsubscribe in the attachment without asking for snapshots", () => {
    const { host, frame } = room();
    const ws = connect({ topics: ["a", "b"] });
    frame(ws, { type: "unsubscribe", topics: ["a"] });
    expect(ws.storedState()!.topics).toEqual(["b"]);
    expect(host.snapshotRequests).toEqual([]);
  });

  it("answers bad_request to presence state over presenceStateMaxBytes and keeps the old state", () => {
    const { host, frame } = room({ PRESENCE_STATE_MAX_BYTES: "64" });
    const ws = connect({ presenceJson: '"before"' });
    frame(ws, { type: "presence", state: "x".repeat(63) }); // 65 bytes of JSON
    expect(ws.frames()).toEqual([expect.objectContaining({ type: "error", code: "bad_request" })]);
    expect(ws.storedState()!.presenceJson).toBe('"before"');
    expect(host.presenceChanges).toEqual([]);
  });

  it("measures presence state in UTF-8 bytes of its JSON", () => {
    const { host, frame } = room({ PRESENCE_STATE_MAX_BYTES: "64" });
    const ws = connect();
    frame(ws, { type: "presence", state: "é".repeat(32) }); // 34 units, 66 bytes of JSON
    expect(ws.frames()).toEqual([expect.objectContaining({ type: "error", code: "bad_request" })]);
    expect(host.presenceChanges).toEqual([]);
  });

  it("stores presence state of exactly presenceStateMaxBytes and tells the host", () => {
    const { host, frame } = room({ PRESENCE_STATE_MAX_BYTES: "64" });
    const ws = connect();
    const state = "x".repeat(62); // 64 bytes of JSON
    frame(ws, { type: "presence", state });
    expect(ws.sent).toEqual([]);
    expect(ws.storedState()!.presenceJson).toBe(JSON.stringify(state));
    expect(host.presenceChanges.map((changed) => changed.presenceJson)).toEqual([JSON.stringify(state)]);
  });

  it("answers forbidden to presence when the token lacks presence", () => {
    const { host, frame } = room();
    const ws = connect({ capabilities: ["publish", "subscribe"] });
    frame(ws, { type: "presence", state: { typing: true } });
    expect(ws.frames()).toEqual([expect.objectContaining({ type: "error", code: "forbidden" })]);
    expect(ws.storedState()!.presenceJson).toBeUndefined();
    expect(host.presenceChanges).toEqual([]);
  });

  it("answers not_found to a direct message for a connection not in the room", () => {
    const { host, frame } = room();
    const ws = connect();
    frame(ws, { type: "direct", to: "nobody", id: "d1", data: 1 });
    expect(host.directs).toEqual([{ to: "nobody", from: readSocketState(ws)!.id, dataJson: "1" }]);
    expect(ws.frames()).toEqual([expect.objectContaining({ type: "error", code: "not_found", id: "d1" })]);
  });

  it("acks a delivered direct message without a seq", () => {
    const { host, frame } = room();
    host.connections.add("bob");
    const ws = connect();
    frame(ws, { type: "direct", to: "bob", id: "d1", data: { hi: true } });
    frame(ws, { type: "direct", to: "bob", data: 2 });
    expect(host.directs.map((direct) => direct.dataJson)).toEqual(['{"hi":true}', "2"]);
    expect(ws.frames()).toEqual([{ type: "ack", id: "d1" }]);
  });

  it("sends a pong after the ack of a publish sent before it", async () => {
    const { host, frame } = room();
    host.primary.holding = true;
    host.primary.nextSeq = 7;
    const ws = connect();
    frame(ws, { type: "publish", id: "c1-1", data: 1 });
    frame(ws, { type: "ping", id: "p1" });
    await settle();
    expect(ws.sent).toEqual([]);
    host.primary.release();
    await settle();
    expect(ws.frames()).toEqual([
      { type: "ack", id: "c1-1", seq: 7 },
      { type: "pong", id: "p1" },
    ]);
  });

  it("sends an error for a frame only after the ack of a publish sent before it", async () => {
    const { host, frame } = room();
    host.primary.holding = true;
    const ws = connect();
    frame(ws, { type: "publish", id: "c1-1", data: 1 });
    frame(ws, { type: "teleport", id: "u1" });
    frame(ws, { type: "publish", id: "c1-2", topic: "t".repeat(257), data: 2 });
    await settle();
    expect(ws.sent).toEqual([]);
    host.primary.release();
    await settle();
    expect(ws.frames()).toEqual([
      { type: "ack", id: "c1-1", seq: 1 },
      expect.objectContaining({ type: "error", code: "unknown_type", id: "u1" }),
      expect.objectContaining({ type: "error", code: "bad_request", id: "c1-2" }),
    ]);
  });

  it("closes for an invalid frame only after the ack of a publish sent before it", async () => {
    const { host, frame, receive } = room();
    host.primary.holding = true;
    const ws = connect();
    frame(ws, { type: "publish", id: "c1-1", data: 1 });
    receive(ws, "{not json");
    await settle();
    expect(ws.closes).toEqual([]);
    host.primary.release();
    await settle();
    expect(ws.frames()).toEqual([{ type: "ack", id: "c1-1", seq: 1 }]);
    expect(ws.closes.map((close) => close.code)).toEqual([INVALID_PAYLOAD]);
  });

  it("applies frames queued behind a publish to the socket's state as it is when they run", async () => {
    const { host, frame } = room();
    host.primary.holding = true;
    const ws = connect();
    frame(ws, { type: "publish", data: 1 });
    frame(ws, { type: "subscribe", topics: ["a"] });
    frame(ws, { type: "subscribe", topics: ["b"] });
    host.primary.release();
    await settle();
    expect(ws.storedState()!.topics).toEqual(["a", "b"]);
  });

  it("keeps a routed direct answer in its place: a later pong waits for it", async () => {
    const { host, frame } = room();
    let route!: (found: boolean) => void;
    host.directAnswer = () => new Promise((resolve) => (route = resolve));
    const ws = connect();
    frame(ws, { type: "direct", to: "bob", id: "d1", data: 1 });
    frame(ws, { type: "ping", id: "p1" });
    await settle();
    expect(ws.sent).toEqual([]);
    route(true);
    await settle();
    expect(ws.frames()).toEqual([
      { type: "ack", id: "d1" },
      { type: "pong", id: "p1" },
    ]);
  });
});
