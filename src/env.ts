/**
 * @module env
 * The bindings and vars the Worker and the room receive (see wrangler.toml).
 */
import type { Room } from "./room/room";

export interface Env {
  ROOMS: DurableObjectNamespace<Room>;
  /**
   * One SockJS session per Durable Object, for the HTTP transports (src/transports/sockjs).
   * Untyped on purpose: only `fetch` is used, and naming the class here would make the
   * Env ↔ Durable Object type cycle too deep for the compiler to resolve the Room's RPC stubs.
   */
  SOCKJS_SESSIONS: DurableObjectNamespace;
  /** The web console's assets-only Worker (web/console-worker); absent when it is not deployed. */
  CONSOLE?: Fetcher;
  /** Seconds between heartbeats on SSE streams, SockJS sessions and STOMP connections (default 25). */
  TRANSPORT_HEARTBEAT_SECONDS?: string;
  /** Per-IP limit on new connections (wrangler.toml `[[ratelimits]]`). */
  CONNECT_LIMITER?: RateLimit;
  /** "off" disables CONNECT_LIMITER (load tests); default on. */
  CONNECT_RATE_LIMIT?: string;
  AUTH_MODE?: string;
  ALLOWED_ORIGINS?: string;
  API_KEY?: string;
  JWT_SECRET?: string;
  MAX_MESSAGE_BYTES?: string;
  MAX_CONNECTIONS_PER_ROOM?: string;
  RATE_LIMIT_MESSAGES_PER_SECOND?: string;
  HISTORY_MAX_MESSAGES?: string;
  HISTORY_MAX_AGE_SECONDS?: string;
  PRESENCE_STATE_MAX_BYTES?: string;
  /** "info" (default) | "error": whether connects and closes are logged. */
  LOG_LEVEL?: string;
  /** JSON list of room policies (docs/protocol.md §8). */
  ROOM_POLICIES?: string;
  /** Occupancy reports from rooms to the Worker's queue consumer (docs/operations.md); absent = rooms report nothing. */
  OCCUPANCY_QUEUE?: Queue;
  /** The live-room directory (`live_rooms`) and dead events, in D1 (src/operations/directory-schema.ts). */
  DIRECTORY?: D1Database;
  /** Seconds between an occupied room's recounts (default 60): the bound for a crash to be noticed. */
  OCCUPANCY_CHECK_SECONDS?: string;
  /** Webhooks: off unless set. */
  WEBHOOK_URL?: string;
  WEBHOOK_SECRET?: string;
  /** Comma list of the event kinds sent (default all). */
  WEBHOOK_EVENTS?: string;
  /** First retry delay of a failed delivery, doubled per attempt (default 5). */
  WEBHOOK_RETRY_SECONDS?: string;
  /** Test-only: "on" lets `?fault=send` make the room's sends to that socket throw. Honoured only in AUTH_MODE=open. */
  FAULT_INJECTION?: string;
}
