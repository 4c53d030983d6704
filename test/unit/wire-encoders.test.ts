/**
 * @module wire-encoders.test
 * The server-frame encoders of shared/protocol (encode.ts), which the room and the adapters use,
 * write the exact bytes clients have always received: golden strings for each frame.
 */
import { describe, expect, it } from "vitest";
import { DEFAULT_LIMITS } from "../../src/shared/limits";
import {
  decodeServerFrame,
  encodeBatch,
  encodeDirect,
  encodeMessageFrame,
  encodePresenceCounts,
  encodePresenceDiff,
  encodePresenceList,
  encodeWelcomeFor,
  type Member,
  type PresenceDiff,
  type RoomView,
  type StoredMessage,
} from "../../src/shared/protocol";

const message = (seq: number, data: unknown, topic?: string): StoredMessage => ({ seq, from: "c1", dataJson: JSON.stringify(data), ts: 1_700_000_000_000 + seq, ...(topic === undefined ? {} : { topic }) });
const alice: Member = { connectionId: "c1", userId: "alice", state: { typing: true } };
const bob: Member = { connectionId: "c2" };
const view: RoomView = { epoch: "e1", seq: 7, members: [alice, bob], memberCount: 2, users: [{ userId: "alice", connections: 1 }] };

describe("shared server-frame encoders: the exact bytes", () => {
  it("batch", () => {
    const frames = [message(1, "a", "t"), message(2, { b: [1, 2] })].map((m) => encodeMessageFrame(m));
    expect(encodeBatch(frames)).toBe(
      '{"type":"batch","messages":[{"type":"message","seq":1,"topic":"t","from":"c1","data":"a","ts":1700000000001},{"type":"message","seq":2,"from":"c1","data":{"b":[1,2]},"ts":1700000000002}]}',
    );
  });

  it("direct", () => {
    expect(encodeDirect("c9", '{"x":"é"}', 5)).toBe('{"type":"direct","from":"c9","data":{"x":"é"},"ts":5}');
  });

  it("presence diff, counts and list", () => {
    const diff: PresenceDiff = { joined: [alice], left: ["c3"], updated: [], usersJoined: ["alice"], usersLeft: [] };
    expect(encodePresenceDiff(diff)).toBe('{"type":"presence","joined":[{"connectionId":"c1","userId":"alice","state":{"typing":true}}],"left":["c3"],"usersJoined":["alice"]}');
    expect(encodePresenceCounts({ memberCount: 120, userCount: 80 })).toBe('{"type":"presence","presence":"counts","memberCount":120,"userCount":80}');
    expect(encodePresenceList([bob], 1, [])).toBe('{"type":"presence","presence":"list","members":[{"connectionId":"c2"}],"memberCount":1,"users":[]}');
  });

  it("welcome, listing and counting", () => {
    const limits = { ...DEFAULT_LIMITS };
    const limitsJson = JSON.stringify(limits);
    expect(encodeWelcomeFor("lobby", { id: "c1", userId: "alice" }, view, limits)).toBe(
      `{"type":"welcome","room":"lobby","connectionId":"c1","userId":"alice","epoch":"e1","seq":7,"members":[{"connectionId":"c1","userId":"alice","state":{"typing":true}},{"connectionId":"c2"}],"memberCount":2,"users":[{"userId":"alice","connections":1}],"limits":${limitsJson}}`,
    );
    const counting: RoomView = { epoch: "e1", seq: 7, recovered: false, missed: 3, members: [], memberCount: 500, presence: "counts", userCount: 400 };
    expect(encodeWelcomeFor("lobby", { id: "c1" }, counting, limits)).toBe(
      `{"type":"welcome","room":"lobby","connectionId":"c1","epoch":"e1","seq":7,"recovered":false,"presence":"counts","members":[],"memberCount":500,"userCount":400,"limits":${limitsJson}}`,
    );
  });

  it("decode as the frames the SDK expects", () => {
    expect(decodeServerFrame(encodeDirect("c9", "[1]", 5))).toEqual({ ok: true, frame: { type: "direct", from: "c9", data: [1], ts: 5 } });
    expect(decodeServerFrame(encodePresenceCounts({ memberCount: 3, userCount: 2 }))).toEqual({ ok: true, frame: { type: "presence", mode: "counts", memberCount: 3, userCount: 2 } });
  });
});
