/**
 * @module inbound-limits.test
 * What the room's frame handling (src/room/inbound.ts) does before a frame's meaning matters,
 * against a recording host and fake sockets (fake-room.ts), without a runtime: the size limit,
 * the rate limit and the binary policy and rights (docs/protocol.md §6).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { readSocketState } from "../../../src/room/socket-state";
import { connect, inboundRoom as room, settle } from "./fake-room";

/** Close codes of docs/protocol.md, as a client sees them on the wire. */
const MESSAGE_TOO_BIG = 1009;
const POLICY_VIOLATION = 1008;
const UNSUPPORTED_DATA = 1003;

describe("Inbound", () => {
  beforeEach(() => {
    // The rate limiter reads the clock: a frozen clock means no refill between frames.
    vi.spyOn(Date, "now").mockReturnValue(1_700_000_000_000);
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("closes with 1009 a text frame one byte over maxMessageBytes", () => {
    const { host, receive } = room({ MAX_MESSAGE_BYTES: "16" });
    const ws = connect({ mode: "raw" });
    receive(ws, "x".repeat(17));
    expect(ws.closes.map((close) => close.code)).toEqual([MESSAGE_TOO_BIG]);
    expect(host.primary.items).toEqual([]);
  });

  it("measures text in UTF-8 bytes, not UTF-16 units", () => {
    const { receive } = room({ MAX_MESSAGE_BYTES: "16" });
    const ws = connect({ mode: "raw" });
    receive(ws, "é".repeat(9)); // 9 units, 18 bytes
    expect(ws.closes.map((close) => close.code)).toEqual([MESSAGE_TOO_BIG]);
  });

  it("closes with 1009 a binary frame over maxMessageBytes", () => {
    const { host, receive } = room({ MAX_MESSAGE_BYTES: "16" });
    const ws = connect();
    receive(ws, new ArrayBuffer(17));
    expect(ws.closes.map((close) => close.code)).toEqual([MESSAGE_TOO_BIG]);
    expect(host.relayed).toEqual([]);
  });

  it("accepts a frame of exactly maxMessageBytes", async () => {
    const { host, receive } = room({ MAX_MESSAGE_BYTES: "16" });
    const ws = connect({ mode: "raw" });
    receive(ws, "x".repeat(16));
    await settle();
    expect(ws.closes).toEqual([]);
    expect(host.primary.items.map((item) => item.dataJson)).toEqual([JSON.stringify("x".repeat(16))]);
  });

  it("answers a v1 frame over the rate with error rate_limited and drops it", () => {
    // 2 per second: a burst of 4, then drops.
    const { frame } = room({ RATE_LIMIT_MESSAGES_PER_SECOND: "2" });
    const ws = connect();
    for (let i = 1; i <= 5; i++) frame(ws, { type: "ping", id: `p${i}` });
    const frames = ws.frames();
    expect(frames.slice(0, 4)).toEqual([1, 2, 3, 4].map((i) => ({ type: "pong", id: `p${i}` })));
    expect(frames[4]).toMatchObject({ type: "error", code: "rate_limited" });
    expect(frames).toHaveLength(5);
    expect(ws.closes).toEqual([]);
  });

  it("drops a raw frame over the rate without a word", async () => {
    const { host, receive } = room({ RATE_LIMIT_MESSAGES_PER_SECOND: "2" });
    const ws = connect({ mode: "raw" });
    for (let i = 1; i <= 5; i++) receive(ws, `m${i}`);
    await settle();
    expect(host.primary.items.map((item) => item.dataJson)).toEqual(['"m1"', '"m2"', '"m3"', '"m4"']);
    expect(ws.sent).toEqual([]);
    expect(ws.closes).toEqual([]);
  });

  it("closes with 1008 once more frames than the per-second rate were dropped", async () => {
    const { receive } = room({ RATE_LIMIT_MESSAGES_PER_SECOND: "2" });
    const ws = connect({ mode: "raw" });
    for (let i = 1; i <= 6; i++) receive(ws, `m${i}`); // 4 accepted, 2 dropped
    await settle();
    expect(ws.closes).toEqual([]);
    receive(ws, "m7"); // the third drop: more than 2
    await settle();
    expect(ws.closes.map((close) => close.code)).toEqual([POLICY_VIOLATION]);
  });

  it("closes for the rate only after the acks and errors of the frames before", async () => {
    const { host, frame } = room({ RATE_LIMIT_MESSAGES_PER_SECOND: "2" });
    host.primary.holding = true;
    const ws = connect();
    for (let i = 1; i <= 7; i++) frame(ws, { type: "publish", id: `c${i}`, data: i });
    await settle();
    expect(ws.sent).toEqual([]);
    expect(ws.closes).toEqual([]);
    host.primary.release();
    await settle();
    expect(ws.frames().map((sent) => sent.type === "ack" ? `ack ${String(sent.id)}` : sent.code)).toEqual(["ack c1", "ack c2", "ack c3", "ack c4", "rate_limited", "rate_limited"]);
    expect(ws.closes.map((close) => close.code)).toEqual([POLICY_VIOLATION]);
  });

  it("closes with 1003 a binary frame in a room whose policy denies binary", () => {
    const { host, receive } = room();
    host.policy = { ...host.policy, binary: "deny" };
    const ws = connect();
    receive(ws, new ArrayBuffer(4));
    expect(ws.closes.map((close) => close.code)).toEqual([UNSUPPORTED_DATA]);
    expect(host.relayed).toEqual([]);
  });

  it("relays a binary frame through the host when the room allows binary", () => {
    const { host, receive } = room();
    const ws = connect();
    const data = new ArrayBuffer(4);
    receive(ws, data);
    expect(host.relayed).toEqual([{ from: readSocketState(ws)!.id, data }]);
    expect(ws.closes).toEqual([]);
  });

  it("drops a raw connection's binary frame when its token lacks publish", () => {
    const { host, receive } = room();
    const ws = connect({ mode: "raw", capabilities: ["subscribe"] });
    receive(ws, new ArrayBuffer(4));
    expect(host.relayed).toEqual([]);
    expect(ws.sent).toEqual([]);
    expect(ws.closes).toEqual([]);
  });

  it("answers a v1 connection's binary frame with forbidden when its token lacks publish", () => {
    const { host, receive } = room();
    const ws = connect({ capabilities: ["subscribe"] });
    receive(ws, new ArrayBuffer(4));
    expect(host.relayed).toEqual([]);
    expect(ws.frames()).toEqual([expect.objectContaining({ type: "error", code: "forbidden" })]);
  });
});
