/**
 * @module outbox
 * Publishes waiting for their ack. A publish is kept (with its idempotency id) until the room
 * acks it, whether it was sent or is still waiting for a connection; every new connection gets
 * every unacked publish again, with the SAME id, so a lost ack never becomes a second message
 * (the room re-acks a repeated id with the original seq). Sends are paced under the room's
 * per-connection rate limit, because a burst over it would be dropped and, repeated, closed (1008).
 */
import { TokenBucket } from "../shared/rate-limiter";
import { utf8ByteLength } from "../shared/utf8";
import { RoomClientError } from "./events";
import { cancelTimer, type Timer } from "./timers";

/** Share of the room's rate the outbox uses, leaving the rest for presence/subscribe/direct. */
const PUBLISH_RATE_SHARE = 0.8;
const MS_PER_SECOND = 1_000;
/** After `rate_limited` (the room dropped a frame without naming it), wait this long, then resend. */
const RATE_LIMITED_RESEND_DELAY_MS = 1_000;

interface Pending {
  id: string;
  text: string;
  bytes: number;
  resolve: (seq: number) => void;
  reject: (error: RoomClientError) => void;
  /** The connection this entry was last sent on; undefined while it waits for one. */
  sentOn: number | undefined;
}

export class Outbox {
  /** Insertion order is send order. */
  private readonly entries = new Map<string, Pending>();
  private connection: number | undefined;
  private bucket: TokenBucket | undefined;
  private publishesPerSecond = 0;
  private refillTimer: Timer | undefined;
  private resendTimer: Timer | undefined;
  private send: ((text: string) => boolean) | undefined;
  private maxMessageBytes: number | undefined;

  constructor(private readonly maxQueued: number) {}

  get size(): number {
    return this.entries.size;
  }

  /** Queues one publish frame; the promise settles exactly once, with the ack's seq or an error. */
  add(id: string, text: string): Promise<number> {
    const bytes = utf8ByteLength(text);
    if (this.maxMessageBytes !== undefined && bytes > this.maxMessageBytes) {
      // docs/protocol.md §4: a frame over the limit closes the connection with 1009; never send it.
      return Promise.reject(new RoomClientError("message_too_big", `publish frame is ${bytes} bytes; the room allows ${this.maxMessageBytes}`, id));
    }
    if (this.entries.size >= this.maxQueued) {
      return Promise.reject(
        new RoomClientError("queue_full", `${this.entries.size} publishes are waiting for an ack or a connection (maxQueuedMessages = ${this.maxQueued}); wait for some to resolve`, id),
      );
    }
    return new Promise<number>((resolve, reject) => {
      this.entries.set(id, { id, text, bytes, resolve, reject, sentOn: undefined });
      this.flush();
    });
  }

  /** A connection is ready (welcome received): (re)send everything unacked, paced. */
  startConnection(connection: number, send: (text: string) => boolean, limits: { maxMessageBytes?: number; rateLimitMessagesPerSecond?: number }): void {
    this.stopConnection();
    this.connection = connection;
    this.send = send;
    this.maxMessageBytes = limits.maxMessageBytes;
    const rate = limits.rateLimitMessagesPerSecond;
    this.publishesPerSecond = rate && rate > 0 ? Math.max(1, rate * PUBLISH_RATE_SHARE) : 0;
    this.bucket = this.publishesPerSecond > 0 ? new TokenBucket(this.publishesPerSecond, Date.now()) : undefined;
    this.flush();
  }

  stopConnection(): void {
    cancelTimer(this.refillTimer);
    cancelTimer(this.resendTimer);
    this.refillTimer = undefined;
    this.resendTimer = undefined;
    this.connection = undefined;
    this.send = undefined;
  }

  /** Sends, in order, every entry not yet sent on the current connection, as the pace allows. */
  flush(): void {
    if (this.connection === undefined || !this.send || this.refillTimer !== undefined) return;
    for (const entry of this.entries.values()) {
      if (entry.sentOn === this.connection) continue;
      if (this.bucket && this.bucket.take(Date.now()) !== "accept") {
        this.refillTimer = setTimeout(() => {
          this.refillTimer = undefined;
          this.flush();
        }, Math.ceil(MS_PER_SECOND / this.publishesPerSecond));
        return;
      }
      if (!this.send(entry.text)) return;
      entry.sentOn = this.connection;
    }
  }

  /** An ack: settles the publish with its seq. False for an id not waiting (a repeated ack). */
  ack(id: string, seq: number | undefined): boolean {
    const entry = this.entries.get(id);
    if (!entry) return false;
    this.entries.delete(id);
    // An ack without seq is not expected for a publish (docs/protocol.md §3 makes seq optional for others).
    entry.resolve(seq ?? Number.NaN);
    return true;
  }

  /** An error frame naming this publish: settles it with the error. */
  fail(id: string, error: RoomClientError): boolean {
    const entry = this.entries.get(id);
    if (!entry) return false;
    this.entries.delete(id);
    entry.reject(error);
    return true;
  }

  /** The room dropped a frame without saying which (rate_limited): soon send every unacked one again. */
  resendAllSoon(): void {
    if (this.resendTimer !== undefined) return;
    this.resendTimer = setTimeout(() => {
      this.resendTimer = undefined;
      for (const entry of this.entries.values()) entry.sentOn = undefined;
      this.flush();
    }, RATE_LIMITED_RESEND_DELAY_MS);
  }

  /**
   * The room closed with 1009 (message too big). Its close does not say which frame, so the
   * largest one sent on that connection is taken to be it and is never sent again.
   */
  dropLargestSentOn(connection: number): void {
    let largest: Pending | undefined;
    for (const entry of this.entries.values()) {
      if (entry.sentOn === connection && (!largest || entry.bytes > largest.bytes)) largest = entry;
    }
    if (largest) this.fail(largest.id, new RoomClientError("message_too_big", `the room closed with 1009 after this ${largest.bytes}-byte publish`, largest.id));
  }

  rejectAll(error: RoomClientError): void {
    this.stopConnection();
    const entries = [...this.entries.values()];
    this.entries.clear();
    for (const entry of entries) entry.reject(new RoomClientError(error.code, error.message, entry.id));
  }
}
