/**
 * @module error-codes
 * Every error `code` a client can read, in one table (the centrifuge `errors.go` idea): in HTTP
 * error bodies `{"error":{"code","message"}}` (docs/protocol.md §2, http-error.ts), in
 * `/publish` result entries, and in v1 `{"type":"error"}` frames (docs/protocol.md §3). Each entry
 * has its HTTP status where it is sent over HTTP, whether it appears in error frames, and when it
 * is sent. Runtime-free: the Worker, the room, the adapters and the SDK read the same names.
 */

interface ErrorCodeInfo {
  /** The HTTP status it is answered with; absent for frame-only codes. */
  status?: number;
  /** Sent in v1 error frames (the connection stays open). */
  frame?: true;
  sentWhen: string;
}

/** The table, by wire code. */
export const ERROR_CODES = {
  bad_request: { status: 400, frame: true, sentWhen: "a body, query or frame field is malformed or breaks a limit (topic, presence size, ...)" },
  invalid_room: { status: 400, sentWhen: "the room name breaks the room-name rule (also per `/publish` entry)" },
  bad_handshake: { status: 400, sentWhen: "an upgrade's Sec-WebSocket-Key is malformed or it offers too many subprotocols" },
  unauthorized: { status: 401, frame: true, sentWhen: "an HTTP API call has no or bad credentials, a transport's connection token fails, or an `auth` frame's token is invalid or expired" },
  forbidden: { status: 403, frame: true, sentWhen: "the token does not cover this room or capability (HTTP), a frame needs a capability the token lacks, or an `auth` frame's token is for another user or room" },
  origin_not_allowed: { status: 403, sentWhen: "the request's Origin is not in ALLOWED_ORIGINS" },
  not_found: { status: 404, frame: true, sentWhen: "no such route, SockJS session or connection (kick, or a `direct` to an absent id)" },
  method_not_allowed: { status: 405, sentWhen: "a known route with another method (the Allow header lists the right ones)" },
  payload_too_large: { status: 413, sentWhen: "an HTTP publish body (or one `/publish` entry's data) is over its byte limit" },
  upgrade_required: { status: 426, sentWhen: "a WebSocket endpoint got a request without Upgrade: websocket" },
  unsupported_version: { status: 426, sentWhen: "Sec-WebSocket-Version is not 13" },
  too_many_connections: { status: 429, sentWhen: "CONNECT_LIMITER refused one more new connection from this address" },
  invalid_config: { status: 500, sentWhen: "a setting is invalid (the message names it); every route answers this until fixed" },
  internal_error: { status: 500, sentWhen: "an unexpected failure (HTTP), or a `/publish` entry the room did not store" },
  room_full: { status: 503, sentWhen: "an SSE stream's room is at maxConnectionsPerRoom (with Retry-After)" },
  room_unavailable: { status: 503, sentWhen: "an SSE stream's room did not accept the link; in a `POST /admin/drain` entry, a room that did not take the drain" },
  tickets_unavailable: { status: 503, sentWhen: "POST /tickets without JWT_SECRET" },
  rate_limited: { frame: true, sentWhen: "a frame was dropped by the connection's rate limit (1008 follows if it goes on)" },
  unknown_type: { frame: true, sentWhen: "a v1 frame has a `type` this version does not know" },
} as const satisfies Record<string, ErrorCodeInfo>;

export type ErrorCodeValue = keyof typeof ERROR_CODES;
/** Codes answered over HTTP (they have a status). */
export type HttpErrorCode = { [K in ErrorCodeValue]: (typeof ERROR_CODES)[K] extends { status: number } ? K : never }[ErrorCodeValue];
/** Codes sent in v1 error frames. */
export type FrameErrorCode = { [K in ErrorCodeValue]: (typeof ERROR_CODES)[K] extends { frame: true } ? K : never }[ErrorCodeValue];

/** The names call sites use instead of string literals. */
export const ErrorCode = {
  badRequest: "bad_request",
  invalidRoom: "invalid_room",
  badHandshake: "bad_handshake",
  unauthorized: "unauthorized",
  forbidden: "forbidden",
  originNotAllowed: "origin_not_allowed",
  notFound: "not_found",
  methodNotAllowed: "method_not_allowed",
  payloadTooLarge: "payload_too_large",
  upgradeRequired: "upgrade_required",
  unsupportedVersion: "unsupported_version",
  tooManyConnections: "too_many_connections",
  invalidConfig: "invalid_config",
  internalError: "internal_error",
  roomFull: "room_full",
  roomUnavailable: "room_unavailable",
  ticketsUnavailable: "tickets_unavailable",
  rateLimited: "rate_limited",
  unknownType: "unknown_type",
} as const satisfies Record<string, ErrorCodeValue>;

/** The HTTP status an error code is answered with. */
export function httpStatusOf(code: HttpErrorCode): number {
  return ERROR_CODES[code].status;
}
