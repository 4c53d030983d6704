/**
 * @module directory-statements.test
 * The directory's guard (directory-statements.ts), run on real SQLite (node:sqlite): however a
 * room's reports arrive — reordered, duplicated, split over batches, a retry after a newer one —
 * the directory ends as the report with the highest `n` says; a stale report never brings a
 * vacated room back, and a batch costs one or two statements per room.
 */
import { DatabaseSync } from "node:sqlite";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DIRECTORY_SCHEMA, TOMBSTONE_KEEP_MS, directoryStatements, latestPerRoom } from "../../../src/operations/directory-statements";
import type { OccupancyReport } from "../../../src/shared/occupancy-report";

const NOW = 1_800_000_000_000;

function openDirectory(): DatabaseSync {
  const db = new DatabaseSync(":memory:");
  for (const sql of DIRECTORY_SCHEMA) db.exec(sql);
  return db;
}

function apply(db: DatabaseSync, reports: OccupancyReport[], nowMs = NOW): void {
  db.exec("BEGIN");
  for (const statement of directoryStatements(reports, nowMs)) db.prepare(statement.sql).run(...statement.params);
  db.exec("COMMIT");
}

function live(db: DatabaseSync): Array<Record<string, unknown>> {
  return db.prepare("SELECT room, connections, users, since, updated, last_n FROM live_rooms ORDER BY room").all().map((row) => ({ ...row }));
}

/** Report number `step` of a room: as in a room, n is at least the time it was made (n = max(last + 1, now)). */
function report(room: string, step: number, connections: number, users = Math.min(connections, 1), since = connections > 0 ? 1 : 0): OccupancyReport {
  const ts = NOW - 10_000 + step;
  return { room, n: ts, ts, connections, users, since, events: [] };
}

/** What the directory must hold after any order: each room's highest-n report, if it is occupied. */
function expected(reports: OccupancyReport[]) {
  return latestPerRoom(reports)
    .filter((r) => r.connections > 0)
    .map((r) => ({ room: r.room, connections: r.connections, users: r.users, since: r.since, updated: r.ts, last_n: r.n }));
}

describe("directory statements", () => {
  it("keeps the newest report per room whatever the order, duplicates and batches", () => {
    const reportArb = fc.record({
      room: fc.constantFrom("a", "b", "c"),
      n: fc.integer({ min: 1, max: 400 }),
      connections: fc.integer({ min: 0, max: 3 }),
    });
    fc.assert(
      fc.property(fc.uniqueArray(reportArb, { selector: (r) => `${r.room}/${r.n}`, minLength: 1, maxLength: 30 }), fc.integer({ min: 1, max: 5 }), fc.integer(), (specs, batchSize, seed) => {
        const reports = specs.map((s) => report(s.room, s.n, s.connections));
        const db = openDirectory();
        // Shuffled (seeded), each report twice, applied in batches.
        const stream = [...reports, ...reports].map((r, i) => ({ r, key: ((i + 1) * 2654435761 + seed) % 1_000_003 })).sort((x, y) => x.key - y.key).map((x) => x.r);
        for (let i = 0; i < stream.length; i += batchSize) apply(db, stream.slice(i, i + batchSize));
        expect(live(db)).toEqual(expected(reports));
      }),
      { numRuns: 200 },
    );
  });

  it("never lets a stale occupied report bring back a vacated room, nor a stale vacate remove a newer one", () => {
    const db = openDirectory();
    apply(db, [report("lobby", 10, 2)]);
    apply(db, [report("lobby", 20, 0)]);
    apply(db, [report("lobby", 15, 3)]); // a retry of an older report
    expect(live(db)).toEqual([]);
    apply(db, [report("lobby", 30, 1)]);
    apply(db, [report("lobby", 25, 0)]); // stale vacate
    expect(live(db)).toMatchObject([{ room: "lobby", connections: 1, last_n: NOW - 10_000 + 30 }]);
  });

  it("costs one statement per occupied room and two per vacated one (plus one tombstone prune), whatever the batch size", () => {
    const many = Array.from({ length: 50 }, (_, i) => report("busy", i + 1, i + 1));
    expect(directoryStatements(many, NOW)).toHaveLength(1);
    expect(directoryStatements([...many, report("gone", 3, 0), report("gone2", 4, 0)], NOW)).toHaveLength(1 + 2 + 2 + 1);
  });

  it("leaves out reports older than the tombstones are kept, and prunes older tombstones", () => {
    const db = openDirectory();
    const old = { ...report("old", 5, 1), ts: NOW - TOMBSTONE_KEEP_MS - 1 };
    expect(directoryStatements([old], NOW)).toEqual([]);
    db.prepare("INSERT INTO vacated_rooms (room, last_n) VALUES ('ancient', ?)").run(NOW - TOMBSTONE_KEEP_MS - 10);
    apply(db, [{ ...report("fresh", NOW, 0) }]);
    expect(db.prepare("SELECT room FROM vacated_rooms ORDER BY room").all().map((row) => row.room)).toEqual(["fresh"]);
  });
});
