/**
 * @module presence-mode.test
 * Lists or counts (presence-mode.ts): the hysteresis band, what each flush sends, when a count
 * frame may go again, and that a welcome in another mode than the others heard forces an announce.
 */
import { describe, expect, it } from "vitest";
import { PRESENCE_COUNT_INTERVAL_MS, PRESENCE_FLUSH_MS, PresenceModeTracker, listResumeMembers } from "../../src/room/presence-mode";
import { encodePresenceCounts, encodePresenceList } from "../../src/shared/protocol";

const counts = (memberCount: number, userCount = 0) => ({ memberCount, userCount });

describe("listResumeMembers", () => {
  it("is max minus a tenth (at least one)", () => {
    expect(listResumeMembers(100)).toBe(90);
    expect(listResumeMembers(5)).toBe(4);
    expect(listResumeMembers(1)).toBe(0);
    expect(listResumeMembers(0)).toBe(-1);
  });
});

describe("PresenceModeTracker", () => {
  it("lists up to max, counts above it, and lists again only at the resume mark", () => {
    const tracker = new PresenceModeTracker(5);
    expect([1, 5].map((n) => tracker.modeFor(n))).toEqual(["list", "list"]);
    expect(tracker.modeFor(6)).toBe("counts");
    expect(tracker.modeFor(5)).toBe("counts");
    expect(tracker.modeFor(6)).toBe("counts");
    expect(tracker.modeFor(4)).toBe("list");
    expect(tracker.modeFor(5)).toBe("list");
  });

  it("counts at once after a wake inside the band (the cheaper guess)", () => {
    expect(new PresenceModeTracker(100).modeFor(95)).toBe("counts");
    expect(new PresenceModeTracker(100).modeFor(90)).toBe("list");
  });

  it("sends diffs while listing, one count frame on the switch, then only changed counts", () => {
    const tracker = new PresenceModeTracker(5);
    expect(tracker.flush(counts(3), false, 0)).toBe("diff");
    expect(tracker.flush(counts(3), true, 10)).toBe("none");
    expect(tracker.flush(counts(6), false, 20)).toBe("counts");
    expect(tracker.flush(counts(6), true, 2_000)).toBe("none");
    expect(tracker.flush(counts(6, 1), true, 3_000)).toBe("counts");
    expect(tracker.flush(counts(5, 1), true, 4_000)).toBe("counts");
    expect(tracker.flush(counts(4, 1), true, 5_000)).toBe("list");
    expect(tracker.flush(counts(5, 1), false, 5_100)).toBe("diff");
  });

  it("sends the whole list, not a diff, when a change went unrecorded while counting", () => {
    const tracker = new PresenceModeTracker(5);
    tracker.modeFor(6);
    tracker.unrecordedChange();
    // Leaves took the room from 6 to 4 before any flush: the others never heard "counts".
    expect(tracker.flush(counts(4), false, 0)).toBe("list");
    expect(tracker.flush(counts(4), false, 10)).toBe("diff");
  });

  it("announces when a welcome told a newcomer another mode than the others heard", () => {
    const tracker = new PresenceModeTracker(5);
    expect(tracker.flush(counts(6), true, 0)).toBe("counts");
    // A welcome in list mode (the room fell to 4), then a storm back to the same counts.
    tracker.welcomed(tracker.modeFor(4));
    expect(tracker.flush(counts(6), true, 5_000)).toBe("counts");
    expect(tracker.flush(counts(6), true, 6_000)).toBe("none");
  });

  it("waits the batching delay while listing and a count interval after a count frame", () => {
    const tracker = new PresenceModeTracker(5);
    expect(tracker.flushDelayMs(0)).toBe(PRESENCE_FLUSH_MS);
    tracker.flush(counts(6), true, 1_000);
    expect(tracker.flushDelayMs(1_000)).toBe(PRESENCE_COUNT_INTERVAL_MS);
    expect(tracker.flushDelayMs(1_900)).toBe(PRESENCE_COUNT_INTERVAL_MS - 900);
    expect(tracker.flushDelayMs(5_000)).toBe(PRESENCE_FLUSH_MS);
  });

  it("encodes count and list frames as documented", () => {
    expect(JSON.parse(encodePresenceCounts(counts(7, 2)))).toEqual({ type: "presence", presence: "counts", memberCount: 7, userCount: 2 });
    expect(JSON.parse(encodePresenceList([{ connectionId: "c1", userId: "u" }], 1, [{ userId: "u", connections: 1 }]))).toEqual({
      type: "presence",
      presence: "list",
      members: [{ connectionId: "c1", userId: "u" }],
      memberCount: 1,
      users: [{ userId: "u", connections: 1 }],
    });
  });
});
