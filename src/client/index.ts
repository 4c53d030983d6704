/**
 * @module roomcast/client
 * The roomcast client SDK (docs/protocol.md §9) for browsers and Node ≥ 22: `new RoomClient({ url, room })`.
 * No runtime dependencies; speaks `roomcast.v1` over the platform's WebSocket.
 */
export { RoomClient } from "./room-client";
export { RoomClientError } from "./events";
export type {
  ConnectionState,
  DirectMessage,
  EventName,
  Handler,
  PresenceChange,
  PresenceMode,
  ResumeOutcome,
  RoomClientEvents,
  RoomMessage,
  StateChange,
} from "./events";
export type { RoomClientOptions, TokenSource } from "./options";
export { DEFAULT_OPTIONS } from "./options";
export type { BackoffOptions } from "./reconnect-policy";
export { DEFAULT_BACKOFF } from "./reconnect-policy";
export type { Member } from "../shared/protocol";
export type { SocketConstructor, SocketLike } from "./socket";
export { CloseCode } from "../shared/close-codes";
