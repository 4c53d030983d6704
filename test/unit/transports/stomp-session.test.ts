import { describe, expect, it } from "vitest";
import { CloseCode } from "../../../src/shared/close-codes";
import { CONNECT_TIMEOUT_MS } from "../../../src/shared/limits";
import type { ClientFrame, ServerFrame } from "../../../src/shared/protocol";
import { HEART_BEAT_GRACE_FACTOR } from "../../../src/transports/stomp/heart-beat-clock";
import { StompSession } from "../../../src/transports/stomp/stomp-session";

const HEARTBEAT_MS = 1_000;
const MAX_BODY_BYTES = 100;

interface Sent {
  command: string;
  headers: Record<string, string>;
  body: string;
}

/** Parses what the session sent (our own encoder's output; heart-beats are a bare "\n"). */
function parseSent(text: string): Sent {
  const [head = "", body = ""] = text.split("\n\n");
  const [command = "", ...lines] = head.split("\n");
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    headers[line.slice(0, colon)] ??= line.slice(colon + 1);
  }
  return { command, headers, body: body.replace(/\0$/, "") };
}

function harness() {
  const toClient: string[] = [];
  const toRoom: ClientFrame[] = [];
  const closes: Array<{ code: number; reason: string }> = [];
  const clock = { now: 0 };
  const session = new StompSession(
    { toClient: (t) => toClient.push(t), toRoom: (f) => toRoom.push(f), close: (code, reason) => closes.push({ code, reason }), now: () => clock.now },
    { maxBodyBytes: MAX_BODY_BYTES, heartbeatMs: HEARTBEAT_MS, idPrefix: "c1", sessionId: "c1" },
  );
  const frames = () => toClient.filter((t) => t !== "\n").map(parseSent);
  const last = () => frames().at(-1)!;
  const send = (text: string) => session.onClientMessage(text);
  const room = (frame: ServerFrame) => session.onRoomFrame(frame);
  const connect = (headers = "accept-version:1.2\nheart-beat:0,0\n") => send(`CONNECT\n${headers}\n\0`);
  return { session, toClient, toRoom, closes, clock, frames, last, send, room, connect };
}

const message = (seq: number, topic: string | undefined, data: unknown, snapshot = false): ServerFrame => ({ type: "message", seq, topic, from: "api", data, ts: 1, ...(snapshot ? { snapshot: true } : {}) });

describe("StompSession", () => {
  it("answers CONNECT with CONNECTED naming the version and the server's heart-beat", () => {
    const h = harness();
    h.connect("accept-version:1.0,1.1,1.2\nheart-beat:500,500\n");
    expect(h.last()).toMatchObject({ command: "CONNECTED", headers: { version: "1.2", "heart-beat": "1000,1000", session: "c1" } });
  });

  it("answers a first frame other than CONNECT with ERROR and closes 1007", () => {
    const h = harness();
    h.send("SEND\ndestination:/topic/a\n\nx\0");
    expect(h.last().command).toBe("ERROR");
    expect(h.closes).toEqual([{ code: CloseCode.invalidPayload, reason: "the first frame must be CONNECT" }]);
  });

  it("refuses a version it does not speak, listing its versions", () => {
    const h = harness();
    h.connect("accept-version:2.0\n");
    expect(h.last()).toMatchObject({ command: "ERROR", headers: { version: "1.0,1.1,1.2" } });
  });

  it("subscribes the room link, then sends the RECEIPT once the room has handled it", () => {
    const h = harness();
    h.connect();
    h.send("SUBSCRIBE\nid:s1\ndestination:/topic/a\nreceipt:r1\n\n\0");
    expect(h.toRoom[0]).toEqual({ type: "subscribe", topics: ["a"] });
    const ping = h.toRoom[1] as { type: "ping"; id: string };
    expect(ping.type).toBe("ping");
    expect(h.frames().some((f) => f.command === "RECEIPT")).toBe(false);
    h.room({ type: "pong", id: ping.id });
    expect(h.last()).toEqual({ command: "RECEIPT", headers: { "receipt-id": "r1" }, body: "" });
  });

  it("delivers a message to each matching subscription with message-id = seq", () => {
    const h = harness();
    h.connect();
    h.send("SUBSCRIBE\nid:s1\ndestination:/topic/fx.*\n\n\0SUBSCRIBE\nid:s2\ndestination:/topic/AAPL\n\n\0");
    h.room(message(7, "fx.eur", { px: 1.09 }));
    h.room(message(8, "MSFT", "ignored"));
    h.room(message(9, undefined, "untopiced"));
    const messages = h.frames().filter((f) => f.command === "MESSAGE");
    expect(messages).toEqual([
      { command: "MESSAGE", headers: expect.objectContaining({ subscription: "s1", "message-id": "7", destination: "/topic/fx.eur", "content-type": "application/json" }), body: '{"px":1.09}' },
    ]);
  });

  it("gives a snapshot only to the subscription whose subscribe the room is answering", () => {
    const h = harness();
    h.connect();
    h.send("SUBSCRIBE\nid:old\ndestination:/topic/a\n\n\0");
    h.room({ type: "pong", id: (h.toRoom[1] as { id: string }).id });
    h.send("SUBSCRIBE\nid:new\ndestination:/topic/*\n\n\0");
    h.room(message(3, "a", "latest a", true));
    const delivered = h.frames().filter((f) => f.command === "MESSAGE");
    expect(delivered.map((f) => [f.headers.subscription, f.headers.snapshot])).toEqual([["new", "true"]]);
  });

  it("publishes a SEND and turns the room's ack into its RECEIPT", () => {
    const h = harness();
    h.connect();
    h.send("SEND\ndestination:/topic/chat\ncontent-type:application/json\nreceipt:r9\n\n{\"hi\":1}\0");
    const publish = h.toRoom[0] as Extract<ClientFrame, { type: "publish" }>;
    expect(publish).toMatchObject({ type: "publish", topic: "chat", data: { hi: 1 } });
    h.room({ type: "ack", id: publish.id!, seq: 12 });
    expect(h.last()).toMatchObject({ command: "RECEIPT", headers: { "receipt-id": "r9" } });
  });

  it("answers a room error with ERROR carrying the receipt-id, then closes with a matching code", () => {
    const h = harness();
    h.connect();
    h.send("SEND\ndestination:/topic/chat\nreceipt:r2\n\nx\0");
    const publish = h.toRoom[0] as { id: string };
    h.room({ type: "error", code: "forbidden", message: "token does not allow publish", id: publish.id });
    expect(h.last()).toMatchObject({ command: "ERROR", headers: { message: "token does not allow publish", "receipt-id": "r2" } });
    expect(h.closes[0]?.code).toBe(CloseCode.forbidden);
  });

  it("closes 1009 after ERROR for a body over the size limit", () => {
    const h = harness();
    h.connect();
    h.send(`SEND\ndestination:/topic/a\n\n${"x".repeat(MAX_BODY_BYTES + 1)}\0`);
    expect(h.last().command).toBe("ERROR");
    expect(h.closes[0]?.code).toBe(CloseCode.messageTooBig);
  });

  it("publishes a transaction's SENDs only on COMMIT, and none after ABORT", () => {
    const h = harness();
    h.connect();
    h.send("BEGIN\ntransaction:t1\n\n\0SEND\ndestination:/topic/a\ntransaction:t1\n\none\0BEGIN\ntransaction:t2\n\n\0SEND\ndestination:/topic/a\ntransaction:t2\n\ntwo\0");
    expect(h.toRoom.filter((f) => f.type === "publish")).toEqual([]);
    h.send("ABORT\ntransaction:t2\n\n\0COMMIT\ntransaction:t1\n\n\0");
    expect(h.toRoom.filter((f) => f.type === "publish")).toEqual([{ type: "publish", topic: "a", data: "one" }]);
  });

  it("sends DISCONNECT's RECEIPT after everything before it, then closes normally", () => {
    const h = harness();
    h.connect();
    h.send("DISCONNECT\nreceipt:bye\n\n\0");
    const ping = h.toRoom.at(-1) as { type: string; id: string };
    expect(h.closes).toEqual([]);
    h.room({ type: "pong", id: ping.id });
    expect(h.last()).toMatchObject({ command: "RECEIPT", headers: { "receipt-id": "bye" } });
    expect(h.closes).toEqual([{ code: CloseCode.normal, reason: "disconnected" }]);
  });

  it("sends an EOL heart-beat when idle for the negotiated interval", () => {
    const h = harness();
    h.connect("accept-version:1.2\nheart-beat:0,500\n");
    h.clock.now = HEARTBEAT_MS;
    h.session.tick();
    expect(h.toClient.at(-1)).toBe("\n");
  });

  it("closes 1008 when the client misses its heart-beats", () => {
    const h = harness();
    h.connect("accept-version:1.2\nheart-beat:500,0\n");
    h.clock.now = HEARTBEAT_MS * HEART_BEAT_GRACE_FACTOR + 1;
    h.session.tick();
    expect(h.closes[0]?.code).toBe(CloseCode.policyViolation);
  });

  it("closes a connection that never sends CONNECT", () => {
    const h = harness();
    h.clock.now = CONNECT_TIMEOUT_MS;
    h.session.tick();
    expect(h.last().command).toBe("ERROR");
    expect(h.closes).toHaveLength(1);
  });

  it("passes the room's close code on after an ERROR", () => {
    const h = harness();
    h.connect();
    h.session.onRoomClosed(CloseCode.kicked, "kicked");
    expect(h.last()).toMatchObject({ command: "ERROR", headers: { message: "kicked" } });
    expect(h.closes).toEqual([{ code: CloseCode.kicked, reason: "kicked" }]);
  });
});
