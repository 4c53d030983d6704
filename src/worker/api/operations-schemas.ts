/**
 * @module operations-schemas
 * The operations routes (docs/operations.md; contracts in the session-2 brief): the live-room
 * directory `GET /rooms` and draining, `POST /rooms/{room}/drain` and `POST /admin/drain`.
 * Their handlers validate with these schemas (api/boundary.ts: `validQuery`, `readValidBody`),
 * so the document's parameters and bodies are the ones enforced.
 */
import * as v from "valibot";
import { DEFAULT_DRAIN_OVER_MS, MAX_DRAIN_OVER_MS, MAX_ROOM_NAME_LENGTH } from "../../shared/limits";
import { RoomName } from "./common-schemas";

/** `limit` of `GET /rooms`. */
export const ROOM_LIST_DEFAULT_LIMIT = 100;
export const ROOM_LIST_MAX_LIMIT = 1000;
/** The longest `cursor` accepted; a directory cursor is a room name plus a little. */
const MAX_CURSOR_LENGTH = 512;

const LIMIT_RULE = `limit must be a whole number from 1 to ${ROOM_LIST_MAX_LIMIT}`;
const PREFIX_RULE = `prefix must be at most ${MAX_ROOM_NAME_LENGTH} characters of A-Z a-z 0-9 . _ : -`;
const CURSOR_RULE = "cursor must be the cursor of the previous page";
const Prefix = v.pipe(v.string(PREFIX_RULE), v.regex(new RegExp(`^[A-Za-z0-9._:-]{0,${MAX_ROOM_NAME_LENGTH}}$`), PREFIX_RULE), v.description("only rooms whose name starts with it"));

/** `GET /rooms?prefix=&limit=&cursor=`. */
export const RoomListQuery = v.object({
  prefix: v.optional(Prefix, ""),
  limit: v.pipe(
    v.optional(v.string(LIMIT_RULE), String(ROOM_LIST_DEFAULT_LIMIT)),
    v.regex(/^\d{1,4}$/, LIMIT_RULE),
    v.description(`rooms per page (default ${ROOM_LIST_DEFAULT_LIMIT}, at most ${ROOM_LIST_MAX_LIMIT})`),
    v.transform(Number),
    v.minValue(1, LIMIT_RULE),
    v.maxValue(ROOM_LIST_MAX_LIMIT, LIMIT_RULE),
  ),
  cursor: v.optional(v.pipe(v.string(CURSOR_RULE), v.minLength(1, CURSOR_RULE), v.maxLength(MAX_CURSOR_LENGTH, CURSOR_RULE), v.description("the `cursor` of the previous page"))),
});

const Count = v.pipe(v.number(), v.integer(), v.minValue(0));
const EpochMs = v.pipe(v.number(), v.integer(), v.description("ms since the epoch"));

/** `200` of `GET /rooms`: occupied rooms from the live-room directory (D1), with counts. */
export const RoomList = v.object({
  rooms: v.array(v.object({ room: RoomName, connections: Count, users: Count, since: EpochMs, updated: EpochMs })),
  cursor: v.pipe(v.nullable(v.string()), v.description("pass as `cursor` for the next page; null on the last page")),
});

const OVER_MS_RULE = `"overMs" must be a whole number from 0 to ${MAX_DRAIN_OVER_MS}`;
const OverMs = v.optional(
  v.pipe(v.number(OVER_MS_RULE), v.integer(OVER_MS_RULE), v.minValue(0, OVER_MS_RULE), v.maxValue(MAX_DRAIN_OVER_MS, OVER_MS_RULE), v.description("closes (1012) are spread over this many ms")),
  DEFAULT_DRAIN_OVER_MS,
);

/** `POST /rooms/{room}/drain`; the body is optional (empty = every default). */
export const DrainBody = v.strictObject({ overMs: OverMs }, 'body must be a JSON object such as {"overMs": 10000}, with no other fields');

/** `202` of a room drain. */
export const DrainAccepted = v.object({ room: RoomName, connections: Count, overMs: Count });

/** `POST /admin/drain`; the body is optional (empty = every room of the directory, default spread). */
export const AdminDrainBody = v.strictObject({ prefix: v.optional(Prefix), overMs: OverMs }, 'body must be a JSON object such as {"prefix": "lobby-", "overMs": 10000}, with no other fields');

/** `202` of an admin drain: the rooms of the directory it drains. */
export const AdminDrainAccepted = v.object({
  rooms: v.array(
    v.object({
      room: RoomName,
      connections: Count,
      error: v.optional(v.pipe(v.object({ code: v.string(), message: v.string() }), v.description("set when this room did not take the drain (room_unavailable): retry it alone"))),
    }),
  ),
  overMs: Count,
});
