/**
 * @module limits
 * Every client-visible limit (docs/protocol.md §6), with its default and its unit in the name:
 * the per-room settings a welcome reports (`Limits`), and below them the fixed ceilings a client,
 * an HTTP caller or a STOMP/SockJS/SSE peer can run into. Internal tuning (flush delays, trim
 * cadence, per-RPC batch sizes) stays next to the code it tunes.
 * Runtime-free: the room and the Worker enforce these and the SDK reads them (and `welcome.limits`).
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

// ---- v1 frames and connections (docs/protocol.md §3) ----

/** Longest client-chosen frame `id` (acks) and connection id in a frame, in characters. */
export const MAX_FRAME_ID_LENGTH = 128;
/** Longest topic, in characters. */
export const MAX_TOPIC_LENGTH = 256;
/** Most topic filters one connection holds. */
export const MAX_TOPICS_PER_CONNECTION = 64;
/** Total characters over all of a connection's topic filters (socket-budget.ts proves it fits). */
export const MAX_TOPIC_CHARS_PER_CONNECTION = 4_096;
/** Longest user id a connection may carry (token `sub`, or `?user=` in open mode), in characters. */
export const MAX_USER_ID_CHARS = 256;
/** Longest room name, in characters (room-name.ts has the rule). */
export const MAX_ROOM_NAME_LENGTH = 128;
/** Max UTF-8 bytes in a close reason: a control frame payload is ≤ 125 bytes, 2 hold the code. */
export const MAX_CLOSE_REASON_BYTES = 123;
/** Most snapshots (latest message per topic) sent for one subscribe. */
export const MAX_SNAPSHOTS_PER_SUBSCRIBE = 256;
/** How long a publish `id` is remembered for de-duplication, in ms. */
export const PUBLISH_ID_WINDOW_MS = 10 * 60 * 1000;
/** Most publish ids one room remembers; the oldest are forgotten first. */
export const PUBLISH_ID_MAX_ENTRIES = 10_000;

// ---- handshake and tokens (docs/protocol.md §1, §5) ----

/** Most subprotocols an upgrade may offer; more is answered 400 `bad_handshake`. */
export const MAX_OFFERED_SUBPROTOCOLS = 32;
/** Longest token accepted, in characters; longer input is refused before any crypto runs. */
export const MAX_TOKEN_LENGTH = 8_192;
/** Largest `POST /tickets` body, in bytes. */
export const MAX_TICKET_BODY_BYTES = 4_096;
/** Largest `POST /rooms/:room/drain` body, in bytes. */
export const MAX_DRAIN_BODY_BYTES = 1_024;
/** A drain's window when the request names none (docs/protocol.md §11), in ms. */
export const DEFAULT_DRAIN_OVER_MS = 10_000;
/** Longest drain window accepted, in ms. */
export const MAX_DRAIN_OVER_MS = 600_000;
/** How long a ticket can be redeemed, in seconds: default and ceiling. */
export const TICKET_TTL_SECONDS = 30;
export const MAX_TICKET_TTL_SECONDS = 300;
/** How long the connection a ticket opens may stay, in seconds: default and ceiling. */
export const TICKET_SESSION_SECONDS = 3_600;
export const MAX_TICKET_SESSION_SECONDS = 86_400;

// ---- HTTP API (docs/protocol.md §2) ----

/**
 * Largest message that provably crosses one JS RPC, in bytes (2.5 MiB; the proof is in
 * rpc-budget.ts): the ceiling of HTTP publishes and of sharded rooms' messages.
 */
export const MAX_RPC_MESSAGE_BYTES = 2.5 * 1024 * 1024;
/** Most messages in one `POST /publish`. */
export const MAX_BATCH_MESSAGES = 100;
/** Most history messages one `GET /rooms/:room/messages` returns. */
export const HISTORY_PAGE_MAX_MESSAGES = 1000;
/** Closes `GET /rooms/:room/info` lists in `recentCloses` (the newest; a sharded room's over all shards). */
export const RECENT_CLOSES_KEPT = 50;
/**
 * Least time between two writes of a room's counters while messages flow (they ride along with
 * message groups); a crash can lose about two of these of counts, never a message.
 */
export const STATS_WRITE_INTERVAL_MS = 1_000;

// ---- fallback transports and STOMP (docs/protocol.md §10) ----

/** Bytes a streaming response (SSE, SockJS) may hold unread before the reader counts as slow and is cut. */
export const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
/** Bytes a SockJS session queues for a client that is not polling before it is closed (1008). */
export const MAX_OUTBOX_BYTES = 4 * 1024 * 1024;
/** Most headers in one STOMP frame. */
export const MAX_HEADERS_PER_FRAME = 64;
/** Most STOMP subscriptions per connection: one room topic filter each. */
export const MAX_SUBSCRIPTIONS = MAX_TOPICS_PER_CONNECTION;
/** Most STOMP transactions open at once on one connection. */
export const MAX_OPEN_TRANSACTIONS = 16;
/** Most SENDs one STOMP transaction may hold. */
export const MAX_SENDS_PER_TRANSACTION = 1_000;
/** Most STOMP receipts awaiting the room at once; more closes with 1008. */
export const MAX_PENDING_REQUESTS = 1_000;
/** Time a STOMP client has to send CONNECT after the upgrade, in ms. */
export const CONNECT_TIMEOUT_MS = 10_000;
