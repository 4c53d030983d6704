/**
 * @module session-ports
 * What a STOMP session is given by whoever runs it (stomp-bridge.ts in the Worker, plain
 * functions in unit tests): the ports it talks through and its per-connection settings.
 */
import type { ClientFrame } from "../../shared/protocol";

export interface StompPorts {
  toClient(text: string): void;
  toRoom(frame: ClientFrame): void;
  /** Closes the client's socket and the room link. */
  close(code: number, reason: string): void;
  now(): number;
}

export interface StompSettings {
  /** Largest SEND body, in bytes (MAX_MESSAGE_BYTES). */
  maxBodyBytes: number;
  /** What the server offers both ways in `heart-beat`, in ms. */
  heartbeatMs: number;
  /** Unique per connection: prefixes the ids of publishes and pings on the room link. */
  idPrefix: string;
  /** The room connection id, sent as CONNECTED's `session`. */
  sessionId: string;
}

/** Bytes a frame may spend on its command and headers on top of the body limit. */
export const FRAME_HEADER_ALLOWANCE_BYTES = 16 * 1024;
