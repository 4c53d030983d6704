/**
 * @module close-codes
 * The close codes roomcast sends (docs/protocol.md §4) and the RFC 6455 rules for codes a peer may send.
 * Runtime-free: shared by the room and the client SDK.
 */

/** Named close codes. Each comment says when the server sends it. */
export const CloseCode = {
  /** Answer to a client's 1000. */
  normal: 1000,
  /** The room was deleted. */
  goingAway: 1001,
  /** The client sent a close frame with a code no endpoint may send (RFC 6455 §7.4). */
  protocolError: 1002,
  /** Binary frame where the room allows text only (or the reverse). */
  unsupportedData: 1003,
  /** A `roomcast.v1` frame that is not a JSON object of a valid shape. */
  invalidPayload: 1007,
  /** Rate limit exceeded after warnings (docs/protocol.md §6). */
  policyViolation: 1008,
  /** A frame larger than MAX_MESSAGE_BYTES. */
  messageTooBig: 1009,
  /** A handler threw, or a send to this peer failed. */
  internalError: 1011,
  /** A drain (`POST /rooms/:room/drain`): reconnect soon, with jitter, and resume. */
  serviceRestart: 1012,
  /** The room is at MAX_CONNECTIONS_PER_ROOM. */
  tryAgainLater: 1013,
  /** Token missing, invalid or expired. */
  unauthorized: 4001,
  /** Token valid but not for this room, or banned. */
  forbidden: 4003,
  /** Removed through the HTTP API. */
  kicked: 4009,
} as const;

export type CloseCodeName = keyof typeof CloseCode;

/** Codes that only describe a local condition and never appear in a close frame (RFC 6455 §7.4.1). */
export const RESERVED_CLOSE_CODES: ReadonlySet<number> = new Set([1005, 1006, 1015]);

/**
 * True when a peer may put `code` in a close frame: 1000–1003, 1007–1014 (IANA registered),
 * 3000–4999 (libraries and applications). Anything else received is a protocol error (1002).
 */
export function isSendableCloseCode(code: number): boolean {
  if (!Number.isInteger(code)) return false;
  if (code >= 1000 && code <= 1003) return true;
  if (code >= 1007 && code <= 1014) return true;
  return code >= 3000 && code <= 4999;
}

/** The codes after which a client should not reconnect (docs/protocol.md §4 "client should: stop"). */
export const STOP_CLOSE_CODES: ReadonlySet<number> = new Set([
  CloseCode.normal,
  CloseCode.unsupportedData,
  CloseCode.invalidPayload,
  CloseCode.unauthorized,
  CloseCode.forbidden,
  CloseCode.kicked,
]);
