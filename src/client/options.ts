/**
 * @module options
 * RoomClient options (docs/protocol.md §9), their defaults, and how one connection's URL and subprotocols
 * are built from them: the room path, resume (`since`, `epoch`), topics and the token.
 */
import { SUBPROTOCOL_V1, TOKEN_SUBPROTOCOL_PREFIX } from "../shared/protocol";
import { PUBLISH_SCOPE_PARAM } from "../shared/publish-scope";
import { isValidRoomName } from "../shared/room-name";
import { checkTopic } from "./outbound-frames";
import { newMessageId } from "./ids";
import { DEFAULT_BACKOFF, type BackoffOptions } from "./reconnect-policy";
import type { SocketConstructor } from "./socket";

export type TokenSource = string | (() => string | Promise<string>);

export interface RoomClientOptions {
  /** The gateway: `wss://host`, `ws://host:port`, or http(s) (turned into ws(s)); a path prefix is kept. */
  url: string;
  room: string;
  /** A connection token, or a function called before every connection attempt for a fresh one. */
  token?: TokenSource;
  /** Topic filters (exact, or a prefix ending in `*`); none: every message. */
  topics?: string[];
  /** Also receive this client's own publishes, in room order (`?echo=1`). */
  echo?: boolean;
  /** Send the text `ping` this often. */
  heartbeatIntervalMs?: number;
  /** No `pong` or other frame this long after a ping: the link is dead, reconnect. */
  heartbeatTimeoutMs?: number;
  /** A connection attempt that has no welcome after this long is given up and retried. */
  connectTimeoutMs?: number;
  /** Publishes waiting for an ack or a connection; one more is refused with `queue_full`. */
  maxQueuedMessages?: number;
  /** Reconnect backoff (exponential, full jitter, capped). */
  reconnect?: Partial<BackoffOptions>;
  /** Resume from a position saved earlier (e.g. `client.position` before a page reload). */
  resumeFrom?: { epoch: string; seq: number };
  /** A WebSocket class for runtimes without a global one. */
  WebSocket?: SocketConstructor;
  /** Randomness for backoff jitter (tests); Math.random by default. */
  random?: () => number;
}

export const DEFAULT_OPTIONS = Object.freeze({
  heartbeatIntervalMs: 25_000,
  heartbeatTimeoutMs: 10_000,
  connectTimeoutMs: 10_000,
  maxQueuedMessages: 1_000,
});

export interface ResolvedOptions {
  baseUrl: URL;
  room: string;
  token: TokenSource | undefined;
  topics: string[];
  echo: boolean;
  heartbeatIntervalMs: number;
  heartbeatTimeoutMs: number;
  connectTimeoutMs: number;
  maxQueuedMessages: number;
  backoff: BackoffOptions;
  random: () => number;
  /** Secret publish-id scope sent on every connection, so a resend after a lost ack is recognised. */
  publishScope: string;
}

/** RFC 7230 token characters: what a Sec-WebSocket-Protocol entry may hold (a JWT always fits). */
const SUBPROTOCOL_TOKEN_PATTERN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!(value > 0)) throw new RangeError(`RoomClient: ${name} must be a positive number, got ${value}`);
  return value;
}

export function resolveOptions(options: RoomClientOptions): ResolvedOptions {
  if (!isValidRoomName(options.room)) throw new TypeError(`RoomClient: "${options.room}" is not a room name (1–128 of A-Z a-z 0-9 . _ : -)`);
  const baseUrl = new URL(options.url);
  if (baseUrl.protocol === "http:") baseUrl.protocol = "ws:";
  else if (baseUrl.protocol === "https:") baseUrl.protocol = "wss:";
  if (baseUrl.protocol !== "ws:" && baseUrl.protocol !== "wss:") throw new TypeError(`RoomClient: url must be ws(s) or http(s), got ${baseUrl.protocol}`);
  options.topics?.forEach(checkTopic);
  return {
    baseUrl,
    room: options.room,
    token: options.token,
    topics: [...new Set(options.topics ?? [])],
    echo: options.echo === true,
    heartbeatIntervalMs: positive("heartbeatIntervalMs", options.heartbeatIntervalMs, DEFAULT_OPTIONS.heartbeatIntervalMs),
    heartbeatTimeoutMs: positive("heartbeatTimeoutMs", options.heartbeatTimeoutMs, DEFAULT_OPTIONS.heartbeatTimeoutMs),
    connectTimeoutMs: positive("connectTimeoutMs", options.connectTimeoutMs, DEFAULT_OPTIONS.connectTimeoutMs),
    maxQueuedMessages: positive("maxQueuedMessages", options.maxQueuedMessages, DEFAULT_OPTIONS.maxQueuedMessages),
    backoff: { ...DEFAULT_BACKOFF, ...options.reconnect },
    random: options.random ?? Math.random,
    publishScope: newMessageId(),
  };
}

/** The token for one attempt: a token function is called every time (tokens expire). */
export async function resolveToken(source: TokenSource | undefined): Promise<string | undefined> {
  return typeof source === "function" ? await source() : source;
}

export interface ConnectionTarget {
  url: string;
  protocols: string[];
}

/**
 * One attempt's URL and subprotocols. The token goes in a `roomcast.token.*` subprotocol entry
 * (kept out of URLs and logs; browsers cannot set Authorization), or in `?token=` when it holds
 * characters a subprotocol may not.
 */
export function connectionTarget(
  options: ResolvedOptions,
  topics: readonly string[],
  resume: { since: number; epoch: string } | undefined,
  token: string | undefined,
): ConnectionTarget {
  const url = new URL(options.baseUrl.href);
  url.pathname = `${url.pathname.replace(/\/+$/, "")}/rooms/${encodeURIComponent(options.room)}`;
  if (resume) {
    url.searchParams.set("since", String(resume.since));
    url.searchParams.set("epoch", resume.epoch);
  }
  if (topics.length > 0) url.searchParams.set("topics", topics.join(","));
  if (options.echo) url.searchParams.set("echo", "1");
  url.searchParams.set(PUBLISH_SCOPE_PARAM, options.publishScope);
  const protocols = [SUBPROTOCOL_V1];
  if (token !== undefined && token !== "") {
    if (SUBPROTOCOL_TOKEN_PATTERN.test(token)) protocols.push(`${TOKEN_SUBPROTOCOL_PREFIX}${token}`);
    else url.searchParams.set("token", token);
  }
  return { url: url.href, protocols };
}
