/**
 * @module limits
 * Every limit in one block (docs/protocol.md §6), with its default and unit in the name.
 * Runtime-free: the room enforces these and the SDK reads them from `welcome.limits`.
 */

export interface Limits {
  /** Largest frame or HTTP body, in UTF-8 bytes for text. Over it: close 1009 / HTTP 413. */
  maxMessageBytes: number;
  /** Sockets one room holds. The next connection is closed with 1013. */
  maxConnectionsPerRoom: number;
  /** Token-bucket refill rate per connection; the bucket holds 2× this (the burst). */
  rateLimitMessagesPerSecond: number;
  /** Messages kept for history and resume; the oldest are trimmed. */
  historyMaxMessages: number;
  /** Age after which history messages are trimmed, in seconds. */
  historyMaxAgeSeconds: number;
  /** Largest presence state, in UTF-8 bytes of its JSON. Over it: error `bad_request`. */
  presenceStateMaxBytes: number;
}

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  maxMessageBytes: 65_536,
  maxConnectionsPerRoom: 10_000,
  rateLimitMessagesPerSecond: 50,
  historyMaxMessages: 1_000,
  historyMaxAgeSeconds: 3_600,
  presenceStateMaxBytes: 1_024,
});

/** Most members a welcome or a presence list carries; `memberCount` always has the total. */
export const MAX_MEMBERS_IN_WELCOME = 1_000;
/**
 * Connections up to which a room lists its members in presence (docs/protocol.md §8); above it the room
 * sends counts. Per room: ROOM_POLICIES `presenceListMaxMembers`, 0 to MAX_MEMBERS_IN_WELCOME.
 */
export const DEFAULT_PRESENCE_LIST_MAX_MEMBERS = 100;

/** Platform ceilings (Cloudflare Workers / workerd). No setting may exceed these. */
export const PLATFORM_LIMITS = Object.freeze({
  /** Largest WebSocket message the runtime delivers. */
  maxReceivedMessageBytes: 32 * 1024 * 1024,
  /** Largest serialized socket attachment. */
  maxAttachmentBytes: 16 * 1024,
  /** Tags per hibernatable socket. */
  maxTagsPerSocket: 10,
  /** Hibernatable sockets per Durable Object. */
  maxSocketsPerObject: 32_768,
});

/** The burst a token bucket allows, as a multiple of the per-second rate (docs/protocol.md §6). */
export const RATE_LIMIT_BURST_FACTOR = 2;

/** Window over which dropped frames are counted before closing with 1008 (docs/protocol.md §6). */
export const RATE_LIMIT_DROP_WINDOW_MS = 10_000;
