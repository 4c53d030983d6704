/**
 * @module server-frames.test
 * The SDK's decoder of room → client frames: every documented type (batch included), bad shapes
 * reported as invalid, unknown types reported as unknown, and never a throw.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeServerFrame, encodeAck, encodeMessageFrame, encodePong } from "../../../src/shared/protocol";

const stored = (seq: number, topic?: string) => ({ seq, topic, from: "api", dataJson: JSON.stringify({ n: seq }), ts: 1 });

describe("decodeServerFrame", () => {
  it("decodes the room's own message, ack and pong encodings", () => {
    expect(decodeServerFrame(encodeMessageFrame(stored(3, "t"), true))).toEqual({
      ok: true,
      frame: { type: "message", seq: 3, topic: "t", from: "api", data: { n: 3 }, ts: 1, snapshot: true },
    });
    expect(decodeServerFrame(encodeAck("p1", 9))).toEqual({ ok: true, frame: { type: "ack", id: "p1", seq: 9 } });
    expect(decodeServerFrame(encodePong())).toEqual({ ok: true, frame: { type: "pong" } });
  });

  it("unpacks a batch into its messages, in order", () => {
    const text = `{"type":"batch","messages":[${encodeMessageFrame(stored(4))},${encodeMessageFrame(stored(5, "x"))}]}`;
    const decoded = decodeServerFrame(text);
    expect(decoded.ok && decoded.frame.type === "batch" && decoded.frame.messages.map((m) => [m.seq, m.topic])).toEqual([
      [4, undefined],
      [5, "x"],
    ]);
  });

  it("keeps a welcome's extra fields and fills presence lists a frame left out", () => {
    const welcome = decodeServerFrame(JSON.stringify({ type: "welcome", room: "r", connectionId: "c1", epoch: "e", seq: 0, members: [{ connectionId: "c1" }], memberCount: 1, limits: {} }));
    expect(welcome).toMatchObject({ ok: true, frame: { type: "welcome", memberCount: 1, members: [{ connectionId: "c1" }] } });
    expect(decodeServerFrame('{"type":"presence","left":["c2"]}')).toEqual({ ok: true, frame: { type: "presence", joined: [], left: ["c2"], updated: [] } });
  });

  it("decodes count and whole-list presence frames and a counting welcome", () => {
    expect(decodeServerFrame('{"type":"presence","presence":"counts","memberCount":120,"userCount":7}')).toEqual({ ok: true, frame: { type: "presence", mode: "counts", memberCount: 120, userCount: 7 } });
    expect(decodeServerFrame('{"type":"presence","presence":"list","members":[{"connectionId":"c1"}],"memberCount":1,"users":[]}')).toEqual({ ok: true, frame: { type: "presence", mode: "list", members: [{ connectionId: "c1" }] } });
    const welcome = decodeServerFrame(JSON.stringify({ type: "welcome", room: "r", connectionId: "c1", epoch: "e", seq: 0, presence: "counts", members: [], memberCount: 500, userCount: 3, limits: {} }));
    expect(welcome).toMatchObject({ ok: true, frame: { type: "welcome", presence: "counts", memberCount: 500, userCount: 3, members: [] } });
  });

  it("reports a newer frame type as unknown, not invalid", () => {
    expect(decodeServerFrame('{"type":"hologram","x":1}')).toEqual({ ok: false, kind: "unknown", type: "hologram" });
  });

  for (const text of ["pong", "[]", '{"type":"presence","presence":"counts"}', '{"type":"presence","presence":"list","members":5}', '{"type":"welcome","connectionId":"c","epoch":"e","seq":0,"presence":"counts","members":[],"memberCount":-1}', '{"type":"message","seq":-1,"from":"a","data":1,"ts":0}', '{"type":"batch","messages":[{"seq":1}]}', '{"type":"ack"}', '{"type":"welcome","epoch":1}']) {
    it(`calls ${text} invalid`, () => {
      expect(decodeServerFrame(text)).toMatchObject({ ok: false, kind: "invalid" });
    });
  }

  it("never throws on arbitrary text or JSON", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), fc.record({ type: fc.constantFrom("welcome", "message", "batch", "presence", "ack", "error"), messages: fc.jsonValue(), members: fc.jsonValue() }).map((v) => JSON.stringify(v))), (text) => {
        expect(typeof decodeServerFrame(text).ok).toBe("boolean");
      }),
    );
  });
});
