/**
 * @module directory
 * The live-room directory in D1 (docs/operations.md): applying a batch of occupancy reports
 * (directory-statements.ts, one D1 batch per queue batch) and listing a page of occupied rooms
 * in key order for `GET /rooms`, restricted to ranges of names (room-ranges.ts).
 */
import type { OccupancyReport } from "../shared/occupancy-report";
import { directoryStatements } from "./directory-statements";
import { ensureDirectorySchema } from "./directory-schema";
import { PREFIX_END, type RoomRange } from "./room-ranges";

export interface LiveRoom {
  room: string;
  connections: number;
  users: number;
  since: number;
  updated: number;
}

/** One D1 batch (a transaction) for the whole queue batch. */
export async function applyReports(db: D1Database, reports: readonly OccupancyReport[], nowMs: number): Promise<void> {
  const statements = directoryStatements(reports, nowMs);
  if (statements.length === 0) return;
  await ensureDirectorySchema(db);
  await db.batch(statements.map((statement) => db.prepare(statement.sql).bind(...statement.params)));
}

/** D1 allows 100 bound parameters per statement: ranges are asked in groups below that. */
const RANGES_PER_QUERY = 40;

/**
 * Up to `limit` occupied rooms after `after` (exclusive) within `ranges`, in key order, plus
 * whether more follow. Ranges are sorted and disjoint, so asking them group by group keeps the order.
 */
export async function listLiveRooms(db: D1Database, ranges: readonly RoomRange[], after: string | undefined, limit: number): Promise<{ rooms: LiveRoom[]; more: boolean }> {
  await ensureDirectorySchema(db);
  const rooms: LiveRoom[] = [];
  for (let start = 0; start < ranges.length && rooms.length <= limit; start += RANGES_PER_QUERY) {
    const group = ranges.slice(start, start + RANGES_PER_QUERY);
    const params: (string | number)[] = [];
    const conditions = group.map((range) => {
      if ("exact" in range) {
        params.push(range.exact);
        return `room = ?${params.length}`;
      }
      if (range.prefix === "") return "1";
      params.push(range.prefix, range.prefix + PREFIX_END);
      return `(room >= ?${params.length - 1} AND room < ?${params.length})`;
    });
    params.push(after ?? "", limit + 1 - rooms.length);
    const sql = `SELECT room, connections, users, since, updated FROM live_rooms WHERE room > ?${params.length - 1} AND (${conditions.join(" OR ")}) ORDER BY room LIMIT ?${params.length}`;
    const result = await db.prepare(sql).bind(...params).all<LiveRoom>();
    rooms.push(...result.results);
  }
  const more = rooms.length > limit;
  return { rooms: rooms.slice(0, limit), more };
}
