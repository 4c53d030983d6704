/**
 * @module stomp-heart-beat-clock
 * Keeping the heart-beats CONNECT negotiated (STOMP 1.2 §Heart-beating), runtime-free: when the
 * server owes the client an EOL, and when the client has been silent too long.
 */
import type { HeartBeats } from "./negotiation";

/** Silence allowed from a client, as a multiple of its promised heart-beat (network jitter). */
export const HEART_BEAT_GRACE_FACTOR = 2;
/** Timer granularity: each heart-beat interval is checked this many times. */
const TICKS_PER_HEART_BEAT = 4;
const MIN_TICK_MS = 100;
const MAX_TICK_MS = 1_000;

export class HeartBeatClock {
  beats: HeartBeats = { serverSendsEveryMs: 0, clientSendsEveryMs: 0 };
  private lastReceivedMs: number;
  private lastSentMs: number;

  constructor(nowMs: number) {
    this.lastReceivedMs = this.lastSentMs = nowMs;
  }

  received(nowMs: number): void {
    this.lastReceivedMs = nowMs;
  }

  sent(nowMs: number): void {
    this.lastSentMs = nowMs;
  }

  /** "silent": the client missed its beats; "beat": the server should send an EOL now. */
  due(nowMs: number): "silent" | "beat" | undefined {
    const { serverSendsEveryMs, clientSendsEveryMs } = this.beats;
    if (clientSendsEveryMs > 0 && nowMs - this.lastReceivedMs > clientSendsEveryMs * HEART_BEAT_GRACE_FACTOR) return "silent";
    if (serverSendsEveryMs > 0 && nowMs - this.lastSentMs >= serverSendsEveryMs) return "beat";
    return undefined;
  }

  /** How often to check, in ms: a fraction of the shortest interval, within sane bounds. */
  tickEveryMs(): number {
    const intervals = [this.beats.serverSendsEveryMs, this.beats.clientSendsEveryMs].filter((ms) => ms > 0);
    if (intervals.length === 0) return MAX_TICK_MS;
    return Math.min(MAX_TICK_MS, Math.max(MIN_TICK_MS, Math.floor(Math.min(...intervals) / TICKS_PER_HEART_BEAT)));
  }
}
