/**
 * @module reconnect-policy
 * What to do after a connection ends, by close code (docs/protocol.md §4 "client should"), and how long to
 * wait: exponential backoff with full jitter (delay = random × min(cap, base × 2^attempt)),
 * bounded by a cap and optionally by a number of attempts. A planned restart (1012, a drain
 * before a deploy) of a connection that was open is retried soon instead: uniformly within
 * serviceRestartWindowMs, so a drained room's clients come back spread out, not in a burst.
 * Pure: time and randomness are inputs.
 */
import { CloseCode, STOP_CLOSE_CODES } from "../shared/close-codes";

export interface BackoffOptions {
  /** Upper bound of the first retry's random delay. */
  initialDelayMs: number;
  /** No delay is ever longer than this (except 1013's long floor, which is added to it). */
  maxDelayMs: number;
  /** Give up after this many failed attempts in a row (Infinity: never). */
  maxAttempts: number;
  /** 1013 (room full): every retry waits at least this long before its jittered part. */
  tryAgainLaterMinDelayMs: number;
  /** 1012 (service restart) on an open connection: the retry comes uniformly within this window. */
  serviceRestartWindowMs: number;
}

export const DEFAULT_BACKOFF: Readonly<BackoffOptions> = Object.freeze({
  initialDelayMs: 500,
  maxDelayMs: 30_000,
  maxAttempts: Number.POSITIVE_INFINITY,
  tryAgainLaterMinDelayMs: 5_000,
  serviceRestartWindowMs: 1_000,
});

/** Each retry doubles the jitter window. */
const BACKOFF_FACTOR = 2;
/** Past this exponent the window is at the cap anyway; stops 2^attempt overflowing. */
const MAX_BACKOFF_EXPONENT = 30;

/** Local codes: the client gave up on a link itself. 1006 is what a lost link reports. */
export const LOCAL_CLOSE = Object.freeze({
  /** No close frame: the link died, or the watchdog/connect timer gave up on it. */
  abnormal: 1006,
  /** What the client sends the room when it abandons a link it still believes in (4000–4999: application). */
  abandonWireCode: 4000,
});

export interface CloseContext {
  code: number;
  /** Failed attempts since the last successful connection (0 for the first retry). */
  attempt: number;
  /** The app gave a token function, which may produce a fresh token. */
  canRefreshToken: boolean;
  /** A 4001 already got its one retry with a fresh token since the last successful connection. */
  authRetried: boolean;
}

export type ReconnectDecision =
  | { action: "stop"; why: string }
  | { action: "retry"; delayMs: number; why: string };

/** Full jitter: uniformly random in [0, min(cap, initial × 2^attempt)). */
export function jitteredDelay(attempt: number, options: BackoffOptions, random: () => number): number {
  const exponent = Math.min(Math.max(attempt, 0), MAX_BACKOFF_EXPONENT);
  const window = Math.min(options.maxDelayMs, options.initialDelayMs * BACKOFF_FACTOR ** exponent);
  return Math.floor(random() * window);
}

export function decideReconnect(context: CloseContext, options: BackoffOptions, random: () => number): ReconnectDecision {
  const { code, attempt } = context;
  if (attempt >= options.maxAttempts) return { action: "stop", why: `gave up after ${attempt} attempts` };
  if (code === CloseCode.unauthorized) {
    // docs/protocol.md §9: 4001 is a stop code unless a token function can give a new token — once.
    if (context.canRefreshToken && !context.authRetried) {
      return { action: "retry", delayMs: jitteredDelay(0, options, random), why: "unauthorized: retrying once with a fresh token" };
    }
    return { action: "stop", why: "unauthorized" };
  }
  if (STOP_CLOSE_CODES.has(code)) return { action: "stop", why: `close code ${code} means stop` };
  if (code === CloseCode.tryAgainLater) {
    return { action: "retry", delayMs: options.tryAgainLaterMinDelayMs + jitteredDelay(attempt, options, random), why: "room full: long backoff" };
  }
  if (code === CloseCode.serviceRestart && attempt === 0) {
    // Planned: the room will take the connection back at once. A 1012 on a link that never got
    // its welcome (attempt > 0) is treated as any failure below, so it cannot loop fast.
    return { action: "retry", delayMs: Math.floor(random() * options.serviceRestartWindowMs), why: "service restart: reconnecting soon" };
  }
  // 1001, 1008, 1009, 1011, a lost link (1006), anything else: backoff. A connection that was
  // open resets `attempt`, so the first retry comes within initialDelayMs.
  return { action: "retry", delayMs: jitteredDelay(attempt, options, random), why: `close code ${code}: backoff` };
}
