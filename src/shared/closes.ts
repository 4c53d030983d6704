/**
 * @module closes
 * Every close roomcast sends, as one named `{code, reason}` value (the centrifuge `Disconnect`
 * idea), built from close-codes.ts: a call site says `closeWith(ws, Close.kicked)` instead of
 * retyping a code and a reason. The code says what the client should do (docs/protocol.md §4:
 * reconnect or stop); the reason is for people. Reasons that carry a number or the decoder's
 * words are functions. Runtime-free.
 */
import { CloseCode } from "./close-codes";
import { MAX_CLOSE_REASON_BYTES } from "./limits";

/** One close: the code and the reason sent with it. */
export interface NamedClose {
  readonly code: number;
  readonly reason: string;
}

const close = (code: number, reason: string): NamedClose => Object.freeze({ code, reason });

export const Close = {
  // ---- the room, on one connection ----
  /** A text frame (or HTTP publish data) over maxMessageBytes. Also SockJS sends. */
  messageTooBig: (maxBytes: number): NamedClose => close(CloseCode.messageTooBig, `message over ${maxBytes} bytes`),
  /** Frames kept coming past the rate limit's drop window (docs/protocol.md §6). */
  rateLimited: close(CloseCode.policyViolation, "rate limit exceeded"),
  /** A v1 frame that is not a JSON object of a valid shape; the reason is the decoder's. */
  invalidFrame: (reason: string): NamedClose => close(CloseCode.invalidPayload, reason),
  /** A binary frame in a room whose policy denies binary. */
  binaryNotAllowed: close(CloseCode.unsupportedData, "binary frames are not allowed in this room"),
  /** The room could not store a publish (storage failed). */
  messageNotStored: close(CloseCode.internalError, "message not stored"),
  /** A frame handler threw. */
  internalError: close(CloseCode.internalError, "internal error"),
  /** A socket without readable state (attachment lost). */
  connectionStateLost: close(CloseCode.internalError, "connection state lost"),
  /** The runtime reported an error on the socket. */
  socketError: close(CloseCode.internalError, "socket error"),
  /** A send to this peer threw: only this peer is closed. */
  sendFailed: close(CloseCode.internalError, "send failed"),
  /** The token's `exp` (or the ticket's session) passed while connected. */
  tokenExpired: close(CloseCode.unauthorized, "token expired"),
  /** Removed through `DELETE /rooms/:room/connections/:id`. */
  kicked: close(CloseCode.kicked, "kicked"),
  /** Every connection, when the room is deleted. */
  roomDeleted: close(CloseCode.goingAway, "room deleted"),
  /** A drain (`POST /rooms/:room/drain`, before a deploy): reconnect soon, with jitter, and resume. */
  serviceRestart: close(CloseCode.serviceRestart, "service restart, reconnect"),
  /** Answer to a client close frame carrying a code no endpoint may send (RFC 6455 §7.4). */
  invalidCloseCode: close(CloseCode.protocolError, "invalid close code"),
  /** Answer to a client close frame whose reason is over 123 bytes. */
  closeReasonTooLong: close(CloseCode.protocolError, `close reason over ${MAX_CLOSE_REASON_BYTES} bytes`),

  // ---- the room or admission, refusing an upgrade (the socket opens, then closes) ----
  /** The room is at maxConnectionsPerRoom. */
  roomFull: close(CloseCode.tryAgainLater, "room is full"),
  /** A shard could not reach its primary while setting a connection up. */
  primaryUnavailable: close(CloseCode.tryAgainLater, "room unavailable, try again later"),
  /** A ticket's `jti` was redeemed before. */
  ticketAlreadyUsed: close(CloseCode.unauthorized, "ticket already used"),
  /** AUTH_MODE=token and the upgrade has no token or ticket. */
  tokenRequired: close(CloseCode.unauthorized, "token required"),
  /** The token or ticket failed verification; the reason is token-claims.ts's fixed string. */
  badToken: (reason: string): NamedClose => close(CloseCode.unauthorized, reason),
  /** The token's `rooms` do not cover this room. */
  roomOutOfScope: close(CloseCode.forbidden, "token is not for this room"),

  // ---- adapters (docs/protocol.md §10): the room link and the client side ----
  /** Neutral close of an adapter's room link (no reason). */
  linkDone: close(CloseCode.normal, ""),
  /** The room's upgrade answer was not a 101 with a socket. */
  roomRefusedLink: close(CloseCode.internalError, "room did not accept the link"),
  /** The room sent no welcome within WELCOME_TIMEOUT_MS: the link is closed with this... */
  noWelcome: close(CloseCode.internalError, "no welcome"),
  /** ...and the client is told this. */
  roomDidNotAnswer: close(CloseCode.internalError, "room did not answer"),
  /** A send on the room link threw, or the link reported an error. */
  roomLinkBroke: close(CloseCode.internalError, "room link broke"),
  /** The SSE response ended (the client went away or was too slow): the room link closes. */
  eventStreamEnded: close(CloseCode.normal, "event stream ended"),
  /** A SockJS session could not open its room link. */
  sockjsRoomUnavailable: close(CloseCode.internalError, "room unavailable"),
  /** The room link opened after its SockJS session had ended. */
  sockjsSessionAlreadyOver: close(CloseCode.normal, "sockjs session already over"),
  /** A SockJS session ended: its room link closes. */
  sockjsSessionClosed: close(CloseCode.normal, "sockjs session closed"),
  /** A SockJS session had no receiving request for DISCONNECT_DELAY_MS. */
  sockjsSessionTimedOut: close(CloseCode.normal, "sockjs session timed out"),
  /** A SockJS client queued over MAX_OUTBOX_BYTES without polling. */
  clientNotReceiving: close(CloseCode.policyViolation, "client is not receiving"),
  /** The SockJS websocket client closed or errored: its room link closes. */
  sockjsClientGone: close(CloseCode.normal, "sockjs client gone"),
  /** A binary frame on the SockJS websocket transport. */
  sockjsTextOnly: close(CloseCode.unsupportedData, "SockJS carries text only"),
  /** A STOMP client closed or errored: its room link closes. */
  stompClientGone: close(CloseCode.normal, "stomp client gone"),
  /** A STOMP session ended (DISCONNECT, ERROR): its room link closes. */
  stompConnectionClosed: close(CloseCode.normal, "stomp connection closed"),
  /** A STOMP DISCONNECT was answered. */
  stompDisconnected: close(CloseCode.normal, "disconnected"),
} as const;

export type CloseName = keyof typeof Close;
