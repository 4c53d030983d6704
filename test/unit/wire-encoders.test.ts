/**
 * @module wire-encoders.test
 * The server-frame encoders of shared/protocol (encode.ts) write the exact bytes the room writes
 * today: golden strings for each frame, and for random inputs the same output as the room's own
 * builders (room/presence.ts, presence-mode.ts, batcher.ts, delivery.ts, welcome.ts). Issue 12
 * pass 2 switches the room to the shared encoders and deletes its copies; the golden strings stay.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { encodePresenceCounts as roomPresenceCounts, encodePresenceList as roomPresenceList } from "../../src/room/presence-mode";
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

/** The fields of room/socket-state.ts's SocketState these builders read. */
interface StateLike {
  v: 1;
  id: string;
  mode: "raw" | "v1";
  echo: boolean;
  topics: string[];
  connectedAtMs: number;
  userId?: string;
}

function stateOf(id: string, extra: Partial<StateLike> = {}): StateLike {
  return { v: 1, id, mode: "v1", echo: false, topics: [], connectedAtMs: 0, ...extra };
}

/**
 * The room's own builders. Loaded by a computed path: their modules reach room/socket-state.ts,
 * which needs the Workers WebSocket type the test tsconfig (DOM) does not have. Pass 2 deletes them.
 */
const roomModule = (name: string): Promise<Record<string, any>> => import(/* @vite-ignore */ `../../src/room/${name}`);
const { Batcher } = await roomModule("batcher.ts");
const { Delivery } = await roomModule("delivery.ts");
const { encodePresenceDiff: roomPresenceDiff } = await roomModule("presence.ts");
const { welcomeFrame: roomWelcome } = await roomModule("welcome.ts");

/** What a room socket was sent, for the room's own builders that send instead of returning. */
function recordingSocket(): { ws: unknown; sent: unknown[] } {
  const sent: unknown[] = [];
  return { ws: { send: (payload: unknown) => sent.push(payload) }, sent };
}

/** The room's batch frame for one v1 socket that sees every message. */
function roomBatch(messages: StoredMessage[]): string {
  const batcher = new Batcher(60_000, false, () => {});
  for (const message of messages) batcher.add(message);
  const { ws } = recordingSocket();
  const out = batcher.take([[ws, stateOf("reader")]]);
  batcher.cancel();
  return out[0][2];
}

function roomDirect(from: string, dataJson: string, ts: number): string {
  const { ws, sent } = recordingSocket();
  new Delivery(() => {}).direct(ws, stateOf("target"), from, dataJson, ts);
  return sent[0] as string;
}

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

describe("shared encoders write what the room's own builders write (until issue 12 pass 2 removes them)", () => {
  const json = fc.jsonValue().map((value) => JSON.stringify(value));
  const member = fc.record({ connectionId: fc.string({ minLength: 1 }), userId: fc.option(fc.string({ minLength: 1 }), { nil: undefined }), state: fc.option(fc.jsonValue(), { nil: undefined }) }, { requiredKeys: ["connectionId"] });
  const stored = fc.record({ seq: fc.nat(), topic: fc.option(fc.string({ minLength: 1 }), { nil: undefined }), from: fc.string(), dataJson: json, ts: fc.nat() }, { requiredKeys: ["seq", "from", "dataJson", "ts"] });

  it("batch (batcher.ts)", () => {
    fc.assert(fc.property(fc.array(stored, { minLength: 1, maxLength: 8 }), (messages) => {
      const ordered = messages.map((m, index) => ({ ...m, seq: index + 1 }));
      expect(encodeBatch(ordered.map((m) => encodeMessageFrame(m)))).toBe(roomBatch(ordered));
    }));
  });

  it("direct (delivery.ts)", () => {
    fc.assert(fc.property(fc.string(), json, fc.nat(), (from, dataJson, ts) => {
      expect(encodeDirect(from, dataJson, ts)).toBe(roomDirect(from, dataJson, ts));
    }));
  });

  it("presence diff (presence.ts)", () => {
    const diff = fc.record({ joined: fc.array(member), left: fc.array(fc.string()), updated: fc.array(member), usersJoined: fc.array(fc.string()), usersLeft: fc.array(fc.string()) });
    fc.assert(fc.property(diff, (d) => {
      expect(encodePresenceDiff(d)).toBe(roomPresenceDiff(d));
    }));
  });

  it("presence counts and list (presence-mode.ts)", () => {
    fc.assert(fc.property(fc.nat(), fc.nat(), (memberCount, userCount) => {
      expect(encodePresenceCounts({ memberCount, userCount })).toBe(roomPresenceCounts({ memberCount, userCount }));
    }));
    const users = fc.array(fc.record({ userId: fc.string(), connections: fc.nat() }));
    fc.assert(fc.property(fc.array(member), fc.nat(), users, (members, count, u) => {
      expect(encodePresenceList(members, count, u)).toBe(roomPresenceList(members, count, u));
    }));
  });

  it("welcome (welcome.ts)", () => {
    const roomView = fc.record(
      {
        epoch: fc.string(),
        seq: fc.nat(),
        recovered: fc.option(fc.boolean(), { nil: undefined }),
        missed: fc.option(fc.nat(), { nil: undefined }),
        members: fc.array(member, { maxLength: 4 }),
        memberCount: fc.nat(),
        users: fc.option(fc.array(fc.record({ userId: fc.string(), connections: fc.nat() })), { nil: undefined }),
        presence: fc.option(fc.constant("counts" as const), { nil: undefined }),
        userCount: fc.option(fc.nat(), { nil: undefined }),
      },
      { requiredKeys: ["epoch", "seq", "members", "memberCount"] },
    );
    fc.assert(fc.property(fc.string(), fc.string({ minLength: 1 }), fc.option(fc.string(), { nil: undefined }), roomView, (room, id, userId, v) => {
      const state = stateOf(id, userId === undefined ? {} : { userId });
      expect(encodeWelcomeFor(room, state, v, DEFAULT_LIMITS)).toBe(roomWelcome(room, state, v, DEFAULT_LIMITS));
    }));
  });
});
