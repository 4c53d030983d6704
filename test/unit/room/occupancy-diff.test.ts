/**
 * @module occupancy-diff.test
 * The room's occupancy diff (occupancy-diff.ts): transitions from what was announced to what is,
 * each state change once and in a receiver's order; reports with strictly increasing numbers;
 * a large report cut under the queue's message size with the last piece deciding.
 */
import { describe, expect, it } from "vitest";
import { buildReport, splitReport, transitionsBetween } from "../../../src/room/occupancy-diff";

const set = (...users: string[]) => new Set(users);

describe("transitionsBetween", () => {
  it("occupies, adds, removes and vacates, in that order", () => {
    expect(transitionsBetween(set(), set("a", "b"))).toEqual([{ type: "room_occupied" }, { type: "member_added", userId: "a" }, { type: "member_added", userId: "b" }]);
    expect(transitionsBetween(set("a", "b"), set("b", "c"))).toEqual([{ type: "member_removed", userId: "a" }, { type: "member_added", userId: "c" }]);
    expect(transitionsBetween(set("a"), set())).toEqual([{ type: "member_removed", userId: "a" }, { type: "room_vacated" }]);
  });

  it("is empty when the users did not change (another tab of the same user, or a recount)", () => {
    expect(transitionsBetween(set("a"), set("a"))).toEqual([]);
    expect(transitionsBetween(set(), set())).toEqual([]);
  });
});

describe("buildReport", () => {
  it("numbers events strictly increasing and the report by its last event", () => {
    let n = 100;
    let id = 0;
    const report = buildReport({
      room: "r",
      ts: 5,
      truth: { connections: 3, users: set("a", "b") },
      since: 5,
      transitions: transitionsBetween(set(), set("a", "b")),
      nextN: () => ++n,
      newId: () => `e${++id}`,
    });
    expect(report.events.map((e) => [e.type, e.n, e.id])).toEqual([["room_occupied", 101, "e1"], ["member_added", 102, "e2"], ["member_added", 103, "e3"]]);
    expect(report).toMatchObject({ room: "r", n: 103, connections: 3, users: 2, since: 5 });
    expect(report.events.every((e) => e.connections === 3 && e.users === 2)).toBe(true);
  });

  it("gives a counts refresh a number of its own", () => {
    const report = buildReport({ room: "r", ts: 1, truth: { connections: 4, users: set("a") }, since: 1, transitions: [], nextN: () => 7, newId: () => "x" });
    expect(report).toMatchObject({ n: 7, events: [], connections: 4, users: 1 });
  });
});

describe("splitReport", () => {
  it("cuts a large report under the byte limit, keeping every event once and the last piece's n highest", () => {
    let n = 0;
    const users = new Set(Array.from({ length: 500 }, (_, i) => `user-${i}`));
    const report = buildReport({ room: "r", ts: 1, truth: { connections: 500, users }, since: 1, transitions: transitionsBetween(set(), users), nextN: () => ++n, newId: () => crypto.randomUUID() });
    const pieces = splitReport(report, 10_000);
    expect(pieces.length).toBeGreaterThan(1);
    for (const piece of pieces) expect(JSON.stringify(piece).length).toBeLessThanOrEqual(10_000);
    expect(pieces.flatMap((piece) => piece.events)).toEqual(report.events);
    expect(pieces[pieces.length - 1]!.n).toBe(report.n);
    for (const piece of pieces) expect(piece.n).toBe(piece.events[piece.events.length - 1]!.n);
    expect(splitReport({ ...report, events: report.events.slice(0, 2) }, 100_000)).toHaveLength(1);
  });
});
