/**
 * @module directory-scope
 * Which rooms of the live-room directory a caller may reach with a prefix (docs/operations.md):
 * shared by `GET /rooms` (listing) and `POST /admin/drain` (draining), so both answer the same
 * 403 when an admin token's `rooms` patterns can cover no room with that prefix at all. The
 * prefix itself is checked by the routes' schemas (api/operations-schemas.ts); the ranges come
 * from room-ranges.ts.
 */
import { roomOutOfScopeResponse, type ApiCaller } from "../admission";
import { roomRanges, type RoomRange } from "../operations/room-ranges";

export type ScopedRanges = { ok: true; ranges: RoomRange[] } | { ok: false; response: Response };

/** The directory ranges of rooms starting with `prefix` ("" for every room) that `caller` covers; 403 when none is left. */
export function scopedDirectoryRanges(prefix: string, caller: ApiCaller): ScopedRanges {
  const ranges = roomRanges(prefix, caller.scope);
  if (ranges.length === 0) return { ok: false, response: roomOutOfScopeResponse() };
  return { ok: true, ranges };
}
