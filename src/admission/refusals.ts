/**
 * @module refusals
 * The refusals admission answers, each written once, whatever route or transport meets it
 * (docs/protocol.md §2, §4, §5, §7). `headers` carries the HTTP transports' CORS headers, so a page
 * of an allowed origin can read why it was refused; a foreign Origin's 403 never gets them.
 */
import { CloseCode } from "../shared/close-codes";
import { Close } from "../shared/closes";
import { ROOM_NAME_RULE } from "../shared/room-name";
import { errorResponse } from "../shared/http-error";
import { ErrorCode } from "../shared/error-codes";

/** The 403 / 4003 message for a room outside the caller's scope (room-scope.ts). */
export const ROOM_OUT_OF_SCOPE = Close.roomOutOfScope.reason;

/** 400: the room name breaks the rule (every /rooms/:room and /sockjs/:room route). */
export function invalidRoomResponse(): Response {
  return errorResponse(ErrorCode.invalidRoom, ROOM_NAME_RULE);
}

/** 403: the request's Origin is not in ALLOWED_ORIGINS. */
export function originNotAllowedResponse(): Response {
  return errorResponse(ErrorCode.originNotAllowed, "this Origin may not connect");
}

/** 429: CONNECT_LIMITER refused one more new connection from this address. */
export function tooManyConnectionsResponse(headers?: HeadersInit): Response {
  return errorResponse(ErrorCode.tooManyConnections, "too many new connections from this address; retry later", headers);
}

/** 400: the Sec-WebSocket-Protocol list is longer than any client sends. */
export function tooManySubprotocolsResponse(): Response {
  return errorResponse(ErrorCode.badHandshake, "too many subprotocols offered");
}

/** 400: a `?topics=` list the room would refuse (the problem says which budget it breaks). */
export function badTopicsResponse(problem: string, headers?: HeadersInit): Response {
  return errorResponse(ErrorCode.badRequest, problem, headers);
}

/** A connection-auth failure answered as HTTP: close code 4003 → 403, anything else (4001) → 401. */
export function authFailureResponse(code: number, reason: string, headers?: HeadersInit): Response {
  return errorResponse(code === CloseCode.forbidden ? ErrorCode.forbidden : ErrorCode.unauthorized, reason, headers);
}

/** 403: an HTTP API call for a room outside its caller's scope. */
export function roomOutOfScopeResponse(): Response {
  return errorResponse(ErrorCode.forbidden, ROOM_OUT_OF_SCOPE);
}
