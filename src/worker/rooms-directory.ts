/**
 * @module rooms-directory
 * `GET /rooms?prefix=&limit=&cursor=` (docs/operations.md): the occupied rooms from the D1
 * directory, in name order, with their counts. Auth as every HTTP API route (API key or admin
 * token). An admin token whose `rooms` patterns cover only some rooms lists only those; one whose
 * patterns can cover no room with the prefix asked for is answered 403, as a per-room route
 * outside its scope is.
 */
import type { Context } from "hono";
import { admitApi, errorResponse } from "../admission";
import { configFrom } from "../config";
import type { Env } from "../env";
import { listLiveRooms } from "../operations/directory";
import { decodeCursor, encodeCursor } from "../operations/room-ranges";
import { ErrorCode } from "../shared/error-codes";
import { scopedDirectoryRanges } from "./directory-scope";

export const DEFAULT_ROOMS_PAGE = 100;
export const MAX_ROOMS_PAGE = 1000;

export async function listRooms(c: Context<{ Bindings: Env }>): Promise<Response> {
  const auth = await admitApi(c.req.raw, configFrom(c.env));
  if (!auth.ok) return auth.response;
  const limitText = c.req.query("limit");
  const cursorText = c.req.query("cursor");
  const limit = limitText === undefined || limitText === "" ? DEFAULT_ROOMS_PAGE : /^\d{1,4}$/.test(limitText) ? Number(limitText) : Number.NaN;
  if (!(limit >= 1 && limit <= MAX_ROOMS_PAGE)) return errorResponse(ErrorCode.badRequest, `limit must be a whole number from 1 to ${MAX_ROOMS_PAGE}`);
  const after = cursorText === undefined || cursorText === "" ? undefined : decodeCursor(cursorText);
  if (cursorText && after === undefined) return errorResponse(ErrorCode.badRequest, "cursor is not one this server returned");
  const scoped = scopedDirectoryRanges(c.req.query("prefix"), auth.caller);
  if (!scoped.ok) return scoped.response;
  const db = c.env.DIRECTORY;
  if (!db) throw new Error("the DIRECTORY D1 binding is missing (wrangler.toml)");
  const page = await listLiveRooms(db, scoped.ranges, after, limit);
  const last = page.rooms[page.rooms.length - 1];
  return c.json({ rooms: page.rooms, cursor: page.more && last ? encodeCursor(last.room) : null });
}
