/**
 * @module delivery.test
 * Fan-out (src/room/delivery.ts) over fake sockets (fake-room.ts), without a runtime: who gets
 * a message (echo, topic filters, wire mode, the skip gate), what each wire mode receives, one
 * encoding per mode, a failing peer closed alone, and the [messages, bytes] it reports.
 */
import { describe, expect, it } from "vitest";
import { Delivery } from "../../../src/room/delivery";
import type { SocketState } from "../../../src/room/socket-state";
import type { StoredMessage } from "../../../src/shared/protocol";
import { socketWith, socketWithoutState, stateOf, type TestSocket } from "./fake-room";

function recordingDelivery() {
  const failures: Array<{ ws: WebSocket; state: SocketState; error: unknown }> = [];
  const delivery = new Delivery((ws, state, error) => failures.push({ ws, state, error }));
  return { delivery, failures };
}

function connect(overrides: Partial<SocketState> = {}): TestSocket {
  return socketWith(stateOf(overrides));
}

function message(overrides: Partial<StoredMessage> = {}): StoredMessage {
  return { seq: 5, from: "sender", dataJson: '{"text":"héllo"}', ts: 1_700_000_000_000, ...overrides };
}

const utf8Bytes = (text: string) => new TextEncoder().encode(text).byteLength;

describe("Delivery", () => {
  it("sends v1 sockets the message frame and raw sockets the data", () => {
    const { delivery } = recordingDelivery();
    const v1 = connect({ mode: "v1" });
    const raw = connect({ mode: "raw" });
    const rawString = connect({ mode: "raw" });
    delivery.fanOut([v1, raw], message({ topic: "chat" }));
    delivery.fanOut([rawString], message({ dataJson: '"plain text"' }));
    expect(v1.frames()).toEqual([{ type: "message", seq: 5, topic: "chat", from: "sender", data: { text: "héllo" }, ts: 1_700_000_000_000 }]);
    expect(raw.sent).toEqual(['{"text":"héllo"}']);
    expect(rawString.sent).toEqual(["plain text"]);
  });

  it("encodes a message once per wire mode however many sockets receive it", () => {
    const { delivery } = recordingDelivery();
    let dataReads = 0;
    const counted = message();
    const dataJson = counted.dataJson;
    // Each encoding reads the data once: the reads count the encodings.
    Object.defineProperty(counted, "dataJson", {
      get: () => {
        dataReads++;
        return dataJson;
      },
    });
    const sockets = [connect({ mode: "v1" }), connect({ mode: "raw" }), connect({ mode: "v1" }), connect({ mode: "raw" }), connect({ mode: "v1" })];
    const [messages] = delivery.fanOut(sockets, counted);
    expect(messages).toBe(5);
    expect(dataReads).toBe(2);
  });

  it("skips the sender unless it asked for echo", () => {
    const { delivery } = recordingDelivery();
    const sender = connect({ id: "sender" });
    const echoing = connect({ id: "sender", echo: true });
    const other = connect();
    const sent = delivery.fanOut([sender, echoing, other], message());
    expect(sender.sent).toEqual([]);
    expect(echoing.sent).toHaveLength(1);
    expect(other.sent).toHaveLength(1);
    expect(sent[0]).toBe(2);
  });

  it("delivers by topic filter: exact, prefix with *, and everything when there are no filters", () => {
    const { delivery } = recordingDelivery();
    const exact = connect({ topics: ["chat"] });
    const prefix = connect({ topics: ["chat.*"] });
    const all = connect({ topics: [] });
    delivery.fanOut([exact, prefix, all], message({ seq: 1, topic: "chat" }));
    delivery.fanOut([exact, prefix, all], message({ seq: 2, topic: "chat.room1" }));
    delivery.fanOut([exact, prefix, all], message({ seq: 3, topic: "chatter" }));
    delivery.fanOut([exact, prefix, all], message({ seq: 4 }));
    const seqs = (ws: TestSocket) => ws.frames().map((frame) => frame.seq);
    expect(seqs(exact)).toEqual([1]);
    expect(seqs(prefix)).toEqual([2]);
    expect(seqs(all)).toEqual([1, 2, 3, 4]);
  });

  it("leaves v1 sockets out when includeV1 is false (the batcher sends theirs)", () => {
    const { delivery } = recordingDelivery();
    const v1 = connect({ mode: "v1" });
    const raw = connect({ mode: "raw" });
    const sent = delivery.fanOut([v1, raw], message(), false);
    expect(v1.sent).toEqual([]);
    expect(raw.sent).toHaveLength(1);
    expect(sent[0]).toBe(1);
  });

  it("honours the skip gate per socket and message", () => {
    const { delivery } = recordingDelivery();
    const gated = connect({ floorSeq: 9 });
    const open = connect();
    const skip = (state: SocketState, stored: StoredMessage) => stored.seq <= (state.floorSeq ?? 0);
    delivery.fanOut([gated, open], message({ seq: 9 }), true, skip);
    delivery.fanOut([gated, open], message({ seq: 10 }), true, skip);
    expect(gated.frames().map((frame) => frame.seq)).toEqual([10]);
    expect(open.frames().map((frame) => frame.seq)).toEqual([9, 10]);
  });

  it("skips a socket that has no room state", () => {
    const { delivery, failures } = recordingDelivery();
    const stateless = socketWithoutState();
    const sent = delivery.fanOut([stateless], message());
    expect(stateless.sent).toEqual([]);
    expect(sent).toEqual([0, 0]);
    expect(failures).toEqual([]);
  });

  it("reports a throwing send once for that socket only; the others still receive the message", () => {
    const { delivery, failures } = recordingDelivery();
    const before = connect();
    const broken = connect();
    broken.failSends = true;
    const after = connect();
    const sent = delivery.fanOut([before, broken, after], message());
    expect(before.sent).toHaveLength(1);
    expect(after.sent).toHaveLength(1);
    expect(failures).toHaveLength(1);
    expect(failures[0]!.ws).toBe(broken);
    expect(failures[0]!.state.id).toBe(broken.storedState()!.id);
    expect(sent[0]).toBe(2);
  });

  it("returns the messages sent and their UTF-8 bytes, per wire mode", () => {
    const { delivery } = recordingDelivery();
    const v1a = connect({ mode: "v1" });
    const v1b = connect({ mode: "v1" });
    const raw = connect({ mode: "raw" });
    const broken = connect({ mode: "raw" });
    broken.failSends = true;
    const sent = delivery.fanOut([v1a, v1b, raw, broken], message());
    const v1Frame = v1a.sent[0] as string;
    const rawText = raw.sent[0] as string;
    expect(sent).toEqual([3, 2 * utf8Bytes(v1Frame) + utf8Bytes(rawText)]);
    // Bytes, not UTF-16 units: the data holds a two-byte character.
    expect(utf8Bytes(rawText)).toBe(rawText.length + 1);
  });

  it("relays binary to every other socket whatever its topics or mode, and to the sender only with echo", () => {
    const { delivery } = recordingDelivery();
    const sender = connect({ id: "sender" });
    const echoing = connect({ id: "sender", echo: true });
    const filtered = connect({ topics: ["chat"], mode: "raw" });
    const gated = connect();
    const data = new Uint8Array([1, 2, 3]).buffer;
    const gatedId = gated.storedState()!.id;
    const sent = delivery.relayBinary([sender, echoing, filtered, gated], "sender", data, (state) => state.id === gatedId);
    expect(sender.sent).toEqual([]);
    expect(gated.sent).toEqual([]);
    expect(echoing.sent).toEqual([data]);
    expect(filtered.sent).toEqual([data]);
    expect(sent).toEqual([2, 6]);
  });

  it("counts only the binary relays that were sent", () => {
    const { delivery, failures } = recordingDelivery();
    const ok = connect();
    const broken = connect();
    broken.failSends = true;
    const sent = delivery.relayBinary([ok, broken], "sender", new ArrayBuffer(4));
    expect(sent).toEqual([1, 4]);
    expect(failures.map((failure) => failure.ws)).toEqual([broken]);
  });

  it("sends a direct message as a direct frame to v1 and as the data to raw", () => {
    const { delivery } = recordingDelivery();
    const v1 = connect({ mode: "v1" });
    const raw = connect({ mode: "raw" });
    const rawString = connect({ mode: "raw" });
    delivery.direct(v1, v1.storedState()!, "alice", '{"n":1}', 1_700_000_000_000);
    delivery.direct(raw, raw.storedState()!, "alice", '{"n":1}', 1_700_000_000_000);
    delivery.direct(rawString, rawString.storedState()!, "alice", '"hi"', 1_700_000_000_000);
    expect(v1.frames()).toEqual([{ type: "direct", from: "alice", data: { n: 1 }, ts: 1_700_000_000_000 }]);
    expect(raw.sent).toEqual(['{"n":1}']);
    expect(rawString.sent).toEqual(["hi"]);
  });

  it("marks a delivered snapshot as a snapshot", () => {
    const { delivery } = recordingDelivery();
    const v1 = connect();
    delivery.deliver(v1, v1.storedState()!, message({ topic: "chat" }), true);
    delivery.deliver(v1, v1.storedState()!, message({ topic: "chat" }));
    expect(v1.frames().map((frame) => frame.snapshot)).toEqual([true, undefined]);
  });

  it("treats a test-injected send fault as a failed send", () => {
    const { delivery, failures } = recordingDelivery();
    const faulty = connect({ faultSend: true });
    expect(delivery.send(faulty, faulty.storedState()!, "x")).toBe(false);
    expect(faulty.sent).toEqual([]);
    expect(failures).toHaveLength(1);
  });
});
