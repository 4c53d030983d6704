/**
 * @module roster.test
 * The SDK's roster across presence modes: a list from a welcome and diffs, counts from a
 * counting welcome or count frames (members dropped, memberCount kept), and a whole list again.
 */
import { describe, expect, it } from "vitest";
import { Roster } from "../../../src/client/roster";

describe("Roster", () => {
  it("keeps the list and its length while the room lists", () => {
    const roster = new Roster();
    expect(roster.reset([{ connectionId: "a" }, { connectionId: "b" }])).toMatchObject({ mode: "list", memberCount: 2, sync: true });
    const change = roster.apply({ type: "presence", joined: [{ connectionId: "c" }], left: ["a"], updated: [] });
    expect(change).toMatchObject({ mode: "list", memberCount: 2, sync: false, joined: [{ connectionId: "c" }], left: ["a"] });
    expect(roster.members.map((m) => m.connectionId)).toEqual(["b", "c"]);
  });

  it("drops the list on the first count frame and follows the counts", () => {
    const roster = new Roster();
    roster.reset([{ connectionId: "a" }]);
    expect(roster.counts({ type: "presence", mode: "counts", memberCount: 120, userCount: 40 })).toEqual({ members: [], joined: [], left: [], updated: [], sync: true, mode: "counts", memberCount: 120, userCount: 40 });
    expect(roster.counts({ type: "presence", mode: "counts", memberCount: 121, userCount: 40 })).toMatchObject({ sync: false, memberCount: 121 });
    expect(roster.memberCount).toBe(121);
    expect(roster.members).toEqual([]);
  });

  it("takes counts from a counting welcome and a whole list when the room lists again", () => {
    const roster = new Roster();
    expect(roster.reset([], { memberCount: 300 })).toMatchObject({ mode: "counts", memberCount: 300, members: [] });
    // A diff while counting (never sent by this room) leaves the counts alone.
    expect(roster.apply({ type: "presence", joined: [{ connectionId: "x" }], left: [], updated: [] })).toMatchObject({ memberCount: 300, members: [] });
    expect(roster.reset([{ connectionId: "a" }, { connectionId: "b" }])).toMatchObject({ mode: "list", memberCount: 2, sync: true });
  });
});
