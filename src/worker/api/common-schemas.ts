/**
 * @module common-schemas
 * Schemas every part of the HTTP API shares (docs/http-api.md): the path parameters `room` and
 * `id`, and the one error body `{"error":{"code","message"}}` (shared/http-error.ts). The error
 * schemas are derived from the error-code table (shared/error-codes.ts), one per HTTP status, so
 * the document lists exactly the codes a status can carry.
 */
import * as v from "valibot";
import { CONNECTION_ID_PATTERN } from "../../room/connection-id";
import { ERROR_CODES, type HttpErrorCode } from "../../shared/error-codes";
import { ROOM_NAME_PATTERN, ROOM_NAME_RULE } from "../../shared/room-name";

/** Path parameter `room`: a mismatch is 400 `invalid_room` before any Durable Object is touched. */
export const RoomName = v.pipe(v.string(ROOM_NAME_RULE), v.regex(ROOM_NAME_PATTERN, ROOM_NAME_RULE), v.description(ROOM_NAME_RULE), v.examples(["lobby"]));

/** Path parameter `id` of a kick: a connection id as `info` lists it; any other id is 404 (no such connection). */
export const ConnectionId = v.pipe(v.string(), v.regex(CONNECTION_ID_PATTERN), v.description("a connection id from GET /rooms/{room}/info (16 characters of 0-9 a-z)"));

const CODES_BY_STATUS = new Map<number, HttpErrorCode[]>();
for (const [code, info] of Object.entries(ERROR_CODES)) {
  if (!("status" in info)) continue;
  CODES_BY_STATUS.set(info.status, [...(CODES_BY_STATUS.get(info.status) ?? []), code as HttpErrorCode]);
}

/** The HTTP statuses the error table answers with, for the document's error components. */
export const ERROR_STATUSES = [...CODES_BY_STATUS.keys()].sort((a, b) => a - b);

/** The error body of one HTTP status: `code` is one of the table's codes for that status. */
function errorBody(codes: HttpErrorCode[]) {
  return v.object({
    error: v.object({
      code: v.pipe(v.picklist(codes), v.description(codes.map((code) => `\`${code}\`: ${ERROR_CODES[code].sentWhen}`).join("; "))),
      message: v.pipe(v.string(), v.description("for people; fixed text, never an echo of the input")),
    }),
  });
}

/** One error schema per status, built once: the document names each (`Error400`, ...) and refers to it. */
export const ERROR_BODIES: ReadonlyMap<number, ReturnType<typeof errorBody>> = new Map(ERROR_STATUSES.map((status) => [status, errorBody(CODES_BY_STATUS.get(status)!)]));

export function errorBodyOf(status: number) {
  const schema = ERROR_BODIES.get(status);
  if (!schema) throw new Error(`no error code is answered with HTTP ${status} (shared/error-codes.ts)`);
  return schema;
}

/** `GET /healthz`. */
export const Health = v.object({ ok: v.literal(true) });
