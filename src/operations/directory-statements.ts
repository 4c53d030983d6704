/**
 * @module directory-statements
 * How a batch of occupancy reports changes the D1 directory, as plain SQL and parameters
 * (runtime-free: D1 runs them in one batch; the unit tests run them on SQLite).
 *
 * Per room only the report with the highest `n` in the batch matters (it carries the counts after
 * every earlier one), so a batch costs one or two statements per room, whatever its size. Each
 * statement is guarded by `last_n`: an upsert applies only over an older row and never over a
 * newer tombstone, a delete only removes an older row. Stale, duplicate or reordered reports
 * therefore cannot flip the directory back, and applying the same batch twice changes nothing.
 */
import type { OccupancyReport } from "../shared/occupancy-report";

/** The tables (directory-schema.ts creates them on first use). */
export const DIRECTORY_SCHEMA: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS live_rooms (room TEXT PRIMARY KEY, connections INTEGER NOT NULL, users INTEGER NOT NULL, since INTEGER NOT NULL, updated INTEGER NOT NULL, last_n INTEGER NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS vacated_rooms (room TEXT PRIMARY KEY, last_n INTEGER NOT NULL)`,
  `CREATE INDEX IF NOT EXISTS vacated_rooms_by_n ON vacated_rooms (last_n)`,
  `CREATE TABLE IF NOT EXISTS dead_events (id TEXT PRIMARY KEY, room TEXT NOT NULL, type TEXT NOT NULL, n INTEGER NOT NULL, event TEXT NOT NULL, dead_at INTEGER NOT NULL)`,
];

export interface Statement {
  sql: string;
  params: (string | number)[];
}

/**
 * How long a vacated room's tombstone is kept, and so the oldest report still applied: a report
 * older than this (a queue backlog of a day) is left out of the directory (its webhook still goes).
 */
export const TOMBSTONE_KEEP_MS = 24 * 60 * 60 * 1000;

const UPSERT = `INSERT INTO live_rooms (room, connections, users, since, updated, last_n)
SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE NOT EXISTS (SELECT 1 FROM vacated_rooms WHERE room = ?1 AND last_n >= ?6)
ON CONFLICT (room) DO UPDATE SET connections = excluded.connections, users = excluded.users, since = excluded.since, updated = excluded.updated, last_n = excluded.last_n
WHERE excluded.last_n > live_rooms.last_n`;
const DELETE_LIVE = `DELETE FROM live_rooms WHERE room = ?1 AND last_n < ?2`;
const TOMBSTONE = `INSERT INTO vacated_rooms (room, last_n) VALUES (?1, ?2)
ON CONFLICT (room) DO UPDATE SET last_n = excluded.last_n WHERE excluded.last_n > vacated_rooms.last_n`;
const PRUNE_TOMBSTONES = `DELETE FROM vacated_rooms WHERE last_n < ?1`;

/** The report with the highest `n` per room, in room order. */
export function latestPerRoom(reports: Iterable<OccupancyReport>): OccupancyReport[] {
  const latest = new Map<string, OccupancyReport>();
  for (const report of reports) {
    const current = latest.get(report.room);
    if (!current || report.n > current.n) latest.set(report.room, report);
  }
  return [...latest.values()].sort((a, b) => (a.room < b.room ? -1 : a.room > b.room ? 1 : 0));
}

/** The statements for one batch of reports received at `nowMs`. */
export function directoryStatements(reports: Iterable<OccupancyReport>, nowMs: number): Statement[] {
  const oldest = nowMs - TOMBSTONE_KEEP_MS;
  const statements: Statement[] = [];
  let vacated = false;
  for (const report of latestPerRoom(reports)) {
    if (report.ts < oldest) continue;
    if (report.connections > 0) {
      statements.push({ sql: UPSERT, params: [report.room, report.connections, report.users, report.since, report.ts, report.n] });
    } else {
      vacated = true;
      statements.push({ sql: DELETE_LIVE, params: [report.room, report.n] }, { sql: TOMBSTONE, params: [report.room, report.n] });
    }
  }
  // Tombstones older than any report still applied guard nothing (n is at least the time in ms).
  if (vacated) statements.push({ sql: PRUNE_TOMBSTONES, params: [oldest] });
  return statements;
}
