/**
 * @module directory-scope
 * Which rooms of the live-room directory a caller may reach with a prefix (docs/operations.md):
 * shared by `GET /rooms` (listing) and `POST /admin/drain` (draining), so both answer the same
 * 400 for a malformed prefix and the same 403 when an admin token's `rooms` patterns can cover no
 * room with that prefix at all. The ranges come from room-ranges.ts.
 */
import { errorResponse, roomOutOfScopeResponse, type ApiCaller } from "../admission";
import { roomRanges, type RoomRange } from "../operations/room-ranges";
import { ErrorCode } from "../shared/error-codes";
import { MAX_ROOM_NAME_LENGTH } from "../shared/limits";

const PREFIX_PATTERN = new RegExp(`^[A-Za-z0-9._:-]{0,${MAX_ROOM_NAME_LENGTH}}$`);

export type ScopedRanges = { ok: true; ranges: RoomRange[] } | { ok: false; response: Response };

/**
 * The directory ranges of rooms starting with `prefix` (absent: every room) that `caller` covers;
 * 400 when the prefix is not a string of room-name characters, 403 when no range is left.
 */
export function scopedDirectoryRanges(prefix: unknown, caller: ApiCaller): ScopedRanges {
  const text = prefix ?? "";
  if (typeof text !== "string" || !PREFIX_PATTERN.test(text)) {
    return { ok: false, response: errorResponse(ErrorCode.badRequest, `prefix must be up to ${MAX_ROOM_NAME_LENGTH} characters of A-Z a-z 0-9 . _ : -`) };
  }
  const ranges = roomRanges(text, caller.scope);
  if (ranges.length === 0) return { ok: false, response: roomOutOfScopeResponse() };
  return { ok: true, ranges };
}
