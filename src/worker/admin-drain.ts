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
 * - The body is read and checked as the per-room drain's (drain-routes.ts), `prefix` added.
 * - Every page of the directory is read, then the rooms are called ADMIN_DRAIN_CONCURRENCY at a
 *   time through their placed stubs (roomStubFor, which checks the scope once more). A room that
 *   fails is answered as an entry with `connections: 0` and an `error`; the others go on.
 * - The directory is refreshed every few seconds (docs/operations.md), so a room occupied in the
 *   last seconds may be missing and one vacated may still answer 0 connections.
 */
import type { Context } from "hono";
import { admitApi, roomStubFor, type ApiCaller } from "../admission";
import { configFrom } from "../config";
import type { Env } from "../env";
import { log } from "../log";
import { listLiveRooms } from "../operations/directory";
import { allRoomNames } from "../operations/directory-walk";
import { ErrorCode } from "../shared/error-codes";
import { boundedMap } from "./bounded-map";
import { scopedDirectoryRanges } from "./directory-scope";
import { parseDrainRequest, readDrainJson } from "./drain-routes";
import { MAX_ROOMS_PAGE } from "./rooms-directory";

/** Rooms asked to drain at once: enough to drain thousands of rooms in seconds, few enough not to flood the Worker's I/O. */
export const ADMIN_DRAIN_CONCURRENCY = 16;

const ADMIN_DRAIN_FIELDS = ["prefix"];

export type AdminDrainEntry = { room: string; connections: number } | { room: string; connections: 0; error: { code: string; message: string } };

export async function adminDrain(c: Context<{ Bindings: Env }>): Promise<Response> {
  const auth = await admitApi(c.req.raw, configFrom(c.env));
  if (!auth.ok) return auth.response;
  const json = await readDrainJson(c.req.raw);
  if (!json.ok) return json.response;
  const body = parseDrainRequest(json.value, ADMIN_DRAIN_FIELDS);
  if (!body.ok) return body.response;
  const scoped = scopedDirectoryRanges((json.value as { prefix?: unknown }).prefix, auth.caller);
  if (!scoped.ok) return scoped.response;
  const db = c.env.DIRECTORY;
  if (!db) throw new Error("the DIRECTORY D1 binding is missing (wrangler.toml)");
  const { overMs } = body.value;
  const names = await allRoomNames((after) => listLiveRooms(db, scoped.ranges, after, MAX_ROOMS_PAGE));
  const rooms = await boundedMap(names, ADMIN_DRAIN_CONCURRENCY, (room) => drainOne(c.env, auth.caller, room, overMs));
  return c.json({ rooms, overMs }, 202);
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
