/**
 * @module rate-limiter
 * Per-connection token bucket (docs/protocol.md §6): a frame over the bucket is dropped; once more frames
 * than the per-second rate were dropped within RATE_LIMIT_DROP_WINDOW_MS the connection is closed.
 * Pure and clock-injected so it can be tested without a runtime.
 */
import { RATE_LIMIT_BURST_FACTOR, RATE_LIMIT_DROP_WINDOW_MS } from "./limits";

export type RateDecision = "accept" | "drop" | "close";

export class TokenBucket {
  private tokens: number;
  private lastRefillMs: number;
  private readonly capacity: number;
  private readonly dropTimesMs: number[] = [];

  constructor(
    private readonly messagesPerSecond: number,
    nowMs: number,
  ) {
    this.capacity = messagesPerSecond * RATE_LIMIT_BURST_FACTOR;
    this.tokens = this.capacity;
    this.lastRefillMs = nowMs;
  }

  take(nowMs: number): RateDecision {
    const elapsedMs = Math.max(0, nowMs - this.lastRefillMs);
    this.tokens = Math.min(this.capacity, this.tokens + (elapsedMs * this.messagesPerSecond) / 1000);
    this.lastRefillMs = nowMs;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return "accept";
    }
    const windowStartMs = nowMs - RATE_LIMIT_DROP_WINDOW_MS;
    while (this.dropTimesMs.length > 0 && this.dropTimesMs[0]! < windowStartMs) this.dropTimesMs.shift();
    this.dropTimesMs.push(nowMs);
    return this.dropTimesMs.length > this.messagesPerSecond ? "close" : "drop";
  }
}
