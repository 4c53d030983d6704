/**
 * @module retry-policy
 * Which failed requests are tried again and how long to wait first: network errors, timeouts,
 * 429 and 5xx are transient; every other answer is final. Backoff is exponential with full
 * jitter, and never shorter than what the gateway asked for in `Retry-After` (up to the cap).
 * A call is retried only when repeating it cannot do twice what it did once (publish carries an
 * idempotency id for that reason).
 */
import { ErrorCode } from "../shared/error-codes";
import type { RoomcastError } from "./errors";
import type { RetryOptions } from "./options";

const MS_PER_SECOND = 1_000;

/** True when the same request may succeed later. */
export function isTransient(error: RoomcastError): boolean {
  if (error.status === 0 || error.status === 429) return true;
  // invalid_config answers every request until an operator fixes the setting: not transient.
  return error.status >= 500 && error.code !== ErrorCode.invalidConfig;
}

/** `Retry-After` in ms (delta-seconds or an HTTP date), or undefined when absent or unreadable. */
export function retryAfterMs(headers: Headers, nowMs: number): number | undefined {
  const value = headers.get("Retry-After")?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * MS_PER_SECOND;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/** The wait before retry number `retry` (1 for the first retry). */
export function backoffDelayMs(options: RetryOptions, retry: number, random: () => number, askedMs?: number): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (retry - 1));
  const jittered = random() * ceiling;
  return askedMs === undefined ? jittered : Math.max(jittered, Math.min(askedMs, options.maxDelayMs));
}
