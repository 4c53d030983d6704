/**
 * @module rooms-directory
 * `GET /rooms?prefix=&limit=&cursor=` (docs/operations.md): the occupied rooms from the D1
 * directory, in name order, with their counts. Auth as every HTTP API route (API key or admin
 * token). An admin token whose `rooms` patterns cover only some rooms lists only those; one whose
 * patterns can cover no room with the prefix asked for is answered 403, as a per-room route
 * outside its scope is. The query is validated by the router with the route's schema
 * (api/operations-routes.ts `listRooms`, as the OpenAPI document shows it).
 */
import { errorResponse, type ApiCaller } from "../admission";
import type { Env } from "../env";
import { listLiveRooms } from "../operations/directory";
import { decodeCursor, encodeCursor } from "../operations/room-ranges";
import { ErrorCode } from "../shared/error-codes";
import { scopedDirectoryRanges } from "./directory-scope";

export interface RoomListRequest {
  prefix: string;
  limit: number;
  cursor?: string;
}

/** One page of live rooms the caller may see. */
export async function listLiveRoomsPage(env: Env, caller: ApiCaller, query: RoomListRequest): Promise<Response> {
  const { prefix, limit, cursor } = query;
  const after = cursor === undefined || cursor === "" ? undefined : decodeCursor(cursor);
  if (cursor && after === undefined) return errorResponse(ErrorCode.badRequest, "cursor is not one this server returned");
  const scoped = scopedDirectoryRanges(prefix, caller);
  if (!scoped.ok) return scoped.response;
  const db = env.DIRECTORY;
  if (!db) throw new Error("the DIRECTORY D1 binding is missing (wrangler.toml)");
  const page = await listLiveRooms(db, scoped.ranges, after, limit);
  const last = page.rooms[page.rooms.length - 1];
  return Response.json({ rooms: page.rooms, cursor: page.more && last ? encodeCursor(last.room) : null });
}
