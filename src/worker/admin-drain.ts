/**
 * @module admin-drain
 * `POST /admin/drain {"prefix"?, "overMs"?}` (docs/operations.md "Drain and deploy") →
 * `202 {"rooms":[{"room","connections"}],"overMs"}`: drains every occupied room of the live-room
 * directory (D1) whose name starts with `prefix` (absent: every room), each as
 * `POST /rooms/:room/drain` would (1012 spread over `overMs` by the room's alarm).
 *
 * - Auth as every HTTP API route: the API key, or an admin token, which drains only the rooms its
 *   `rooms` patterns cover; 403 when they can cover no room with the prefix (directory-scope.ts,
 *   the rule `GET /rooms` answers with).
 * - The body is checked by the router with the route's schema (api/operations-routes.ts `drainAll`).
 * - Every page of the directory is read, then the rooms are called ADMIN_DRAIN_CONCURRENCY at a
 *   time through their placed stubs (roomStubFor, which checks the scope once more). A room that
 *   fails is answered as an entry with `connections: 0` and an `error`; the others go on.
 * - The directory is refreshed every few seconds (docs/operations.md), so a room occupied in the
 *   last seconds may be missing and one vacated may still answer 0 connections.
 */
import { roomStubFor, type ApiCaller } from "../admission";
import type { Env } from "../env";
import { log } from "../log";
import { listLiveRooms } from "../operations/directory";
import { allRoomNames } from "../operations/directory-walk";
import { ErrorCode } from "../shared/error-codes";
import { boundedMap } from "./bounded-map";
import { scopedDirectoryRanges } from "./directory-scope";
import { ROOM_LIST_MAX_LIMIT } from "./api/operations-schemas";

/** Rooms asked to drain at once: enough to drain thousands of rooms in seconds, few enough not to flood the Worker's I/O. */
export const ADMIN_DRAIN_CONCURRENCY = 16;

export interface AdminDrainRequest {
  prefix?: string;
  overMs: number;
}

export type AdminDrainEntry = { room: string; connections: number } | { room: string; connections: 0; error: { code: string; message: string } };

/** Drains every live room of the directory under `prefix` that `caller` covers. */
export async function adminDrain(env: Env, caller: ApiCaller, request: AdminDrainRequest): Promise<Response> {
  const scoped = scopedDirectoryRanges(request.prefix ?? "", caller);
  if (!scoped.ok) return scoped.response;
  const db = env.DIRECTORY;
  if (!db) throw new Error("the DIRECTORY D1 binding is missing (wrangler.toml)");
  const { overMs } = request;
  const names = await allRoomNames((after) => listLiveRooms(db, scoped.ranges, after, ROOM_LIST_MAX_LIMIT));
  const rooms = await boundedMap(names, ADMIN_DRAIN_CONCURRENCY, (room) => drainOne(env, caller, room, overMs));
  return Response.json({ rooms, overMs }, { status: 202 });
}

async function drainOne(env: Env, caller: ApiCaller, room: string, overMs: number): Promise<AdminDrainEntry> {
  try {
    const { connections } = await roomStubFor(env, caller.scope, room).drain(room, overMs);
    return { room, connections };
  } catch (error) {
    log("error", { room, where: "POST /admin/drain", error });
    return { room, connections: 0, error: { code: ErrorCode.roomUnavailable, message: "the room did not take the drain; retry it, or drain it alone with POST /rooms/:room/drain" } };
  }
}
