/**
 * @module pipeline
 * The room's message pipeline (group commit), whatever the source: raw and v1 socket publishes,
 * HTTP and batch publishes, the transport adapters (v1 links) and, at a sharded room's primary,
 * the shards' publishes.
 *
 * - Messages are sequenced in arrival order and gathered while a commit is in flight.
 * - A group is written in ONE transaction (messages, topic snapshots, publish ids, and the
 *   counters that ride along), then `storage.sync()` confirms it.
 * - Only then is each message delivered (local sockets, or relayed to the shards), acked, and
 *   its HTTP/RPC answer released, in its place in the room's reply order (reply-order.ts).
 * - The next group is written right after those sends, so no send is ever issued while a write
 *   is unconfirmed and the runtime's output gate holds none of them. While one group commits
 *   the next gathers; at low rates the first message starts a commit at once (a microtask, no
 *   timer), so an idle room holds nothing and may hibernate.
 *
 * On a shard the pipeline forwards to the primary (primary-link.ts), which runs this same
 * pipeline; the answer still takes its place in the shard's reply order.
 */
import { log } from "../log";
import { ErrorCode } from "../shared/error-codes";
import type { StoredMessage } from "../shared/protocol";
import type { History } from "./history";
import type { PrimaryLink } from "./primary-link";
import { publishKey, type PublishIds } from "./publish-ids";
import { ReplyOrder, type Slot } from "./reply-order";
import type { SequenceItem } from "./shard-protocol";
import type { TopicSnapshots } from "./topic-snapshots";

/** Most messages in one transaction; the rest go in the next group, right after. */
export const MAX_GROUP_MESSAGES = 1_024;
/** Sender id of messages published through the HTTP API. */
export const API_SENDER = "api";

/** A message from the HTTP API; `id` makes a retry safe (answered with the first seq). */
export interface ApiMessage {
  data: unknown;
  topic?: string;
  id?: string;
}

/** One `/publish` entry's outcome, in entry order. */
export type BatchEntryResult = { seq: number } | { error: { code: string; message: string } };

/** The pipeline item of an HTTP publish: data as JSON, its id in the API's own key scope. */
export function apiItem(input: ApiMessage): SequenceItem {
  const item: SequenceItem = { from: API_SENDER, topic: input.topic, dataJson: JSON.stringify(input.data) };
  if (input.id !== undefined) item.key = publishKey({ kind: "api" }, input.id);
  return item;
}

export interface PipelineStores {
  history: History;
  snapshots: TopicSnapshots;
  publishIds: PublishIds;
}

export interface PipelineHost {
  readonly storage: DurableObjectStorage;
  /** The room's current stores (wiping the room replaces them). */
  stores(): PipelineStores;
  /** Set on a shard: its publishes are sequenced by the primary. */
  primaryLink(): PrimaryLink | undefined;
  /** A durable message goes out: to this object's sockets, or (a primary) to every shard. */
  deliver(message: StoredMessage): void;
  /** Other writes that ride along in every group's transaction (the room's counters). */
  writeAlong(): void;
  room(): string;
}

/** How a publish is answered, once durable and delivered, in its place in the reply order. */
export interface PublishAnswer {
  /** The message's seq; for an id seen within the window, the seq it got the first time. */
  done(seq: number): void;
  failed(error: unknown): void;
}

interface Entry {
  item: SequenceItem;
  slot: Slot;
  answer: PublishAnswer;
  /** Set once written. */
  message?: StoredMessage;
  error?: unknown;
}

export class Pipeline {
  /** The room's reply order: every reply, close and frame handling that must not overtake a publish. */
  readonly order = new ReplyOrder();
  /**
   * The newest seq already delivered. Welcome, resume replay and snapshots never go past it:
   * anything newer reaches a new connection live, once its group is durable.
   */
  deliveredSeq: number;
  private gathering: Entry[] = [];
  private committing = false;
  private commitQueued = false;
  private writeAlongRequested = false;
  /** Idempotency keys of messages not yet delivered (their ids are not durable yet). */
  private readonly pendingKeys = new Map<string, Entry>();
  /** Bumped when the room is wiped: a group committed before that no longer moves deliveredSeq. */
  private generation = 0;

  constructor(private readonly host: PipelineHost) {
    this.deliveredSeq = host.stores().history.seq;
  }

  /** Sequences `item`; `answer` runs once it is durable and delivered (or failed). */
  publish(item: SequenceItem, answer: PublishAnswer): void {
    const link = this.host.primaryLink();
    if (link) {
      const slot = this.order.hold();
      link.sequence(item).then(
        (seq) => slot.fill(() => answer.done(seq)),
        (error) => slot.fill(() => answer.failed(error)),
      );
      return;
    }
    if (item.key !== undefined && this.answerRepeat(item.key, answer)) return;
    const entry: Entry = { item, slot: this.order.hold(), answer };
    if (item.key !== undefined) this.pendingKeys.set(item.key, entry);
    this.gathering.push(entry);
    this.scheduleCommit();
  }

  publishAsync(item: SequenceItem): Promise<number> {
    return new Promise((resolve, reject) => this.publish(item, { done: resolve, failed: reject }));
  }

  /** Several messages (one `/publish` request's entries for this room): one group, results in order. */
  async publishAll(items: SequenceItem[]): Promise<BatchEntryResult[]> {
    const outcomes = await Promise.allSettled(items.map((item) => this.publishAsync(item)));
    return outcomes.map((outcome) =>
      outcome.status === "fulfilled" ? { seq: outcome.value } : { error: { code: ErrorCode.internalError, message: "the room did not store the message" } },
    );
  }

  /** Runs `run` once everything before it in the reply order has run. */
  after(run: () => void): void {
    this.order.after(run);
  }

  /** Reserves a place in the reply order for an answer that comes later. */
  hold(): Slot {
    return this.order.hold();
  }

  /** Asks for a commit of the ride-along writes even when no message comes (counters after a quiet second). */
  writeSoon(): void {
    this.writeAlongRequested = true;
    this.scheduleCommit();
  }

  /** After the room's storage was wiped: the new storage starts at its own seq. */
  reset(): void {
    this.generation++;
    this.pendingKeys.clear();
    this.deliveredSeq = this.host.stores().history.seq;
  }

  /** A repeated idempotency key is answered with the first seq, after what came before it. */
  private answerRepeat(key: string, answer: PublishAnswer): boolean {
    const earlier = this.pendingKeys.get(key);
    if (earlier) {
      // Queued behind `earlier`, so it runs once that one is delivered (or failed).
      this.order.after(() => (earlier.message ? answer.done(earlier.message.seq) : answer.failed(earlier.error)));
      return true;
    }
    const seen = this.host.stores().publishIds.seqFor(key, Date.now());
    if (seen === undefined) return false;
    this.order.after(() => answer.done(seen));
    return true;
  }

  private scheduleCommit(): void {
    if (this.committing || this.commitQueued) return;
    this.commitQueued = true;
    // A microtask, not a timer: what arrives in this same turn (a batch, a shard's call) joins the group.
    queueMicrotask(() => {
      this.commitQueued = false;
      this.commit();
    });
  }

  private commit(): void {
    if (this.committing || (this.gathering.length === 0 && !this.writeAlongRequested)) return;
    const group = this.gathering.splice(0, MAX_GROUP_MESSAGES);
    this.writeAlongRequested = false;
    this.committing = true;
    const generation = this.generation;
    this.write(group);
    this.host.storage.sync().then(
      () => this.committed(group, generation),
      (error: unknown) => this.syncFailed(group, generation, error),
    );
  }

  private committed(group: Entry[], generation: number): void {
    this.committing = false;
    for (const entry of group) entry.slot.fill(() => this.finish(entry, generation));
    // The sends above were issued before this write, so the runtime holds none of them.
    this.commit();
  }

  private syncFailed(group: Entry[], generation: number, error: unknown): void {
    this.committing = false;
    log("error", { where: "Pipeline.commit", room: this.host.room(), reason: "storage commit failed", error });
    for (const entry of group) {
      entry.message = undefined;
      entry.error = error;
      entry.slot.fill(() => this.finish(entry, generation));
    }
    this.commit();
  }

  /** One transaction for the group; if it fails, each message alone, so a bad one fails alone. */
  private write(group: Entry[]): void {
    const stores = this.host.stores();
    const nowMs = Date.now();
    const seqBefore = stores.history.seq;
    try {
      this.host.storage.transactionSync(() => {
        this.storeAll(stores, group, nowMs);
        this.host.writeAlong();
      });
      return;
    } catch (error) {
      // Rolled back: the seqs it took are free again.
      stores.history.seq = seqBefore;
      log("error", { where: "Pipeline.store", room: this.host.room(), reason: `group of ${group.length} not stored; storing one by one`, error });
    }
    for (const entry of group) {
      entry.message = undefined;
      const before = stores.history.seq;
      try {
        this.host.storage.transactionSync(() => this.storeAll(stores, [entry], nowMs));
      } catch (error) {
        stores.history.seq = before;
        entry.message = undefined;
        entry.error = error;
        log("error", { where: "Pipeline.store", room: this.host.room(), reason: "message not stored", error });
      }
    }
  }

  /** The entries' messages, topic snapshots and publish ids: each table in as few statements as it takes. */
  private storeAll(stores: PipelineStores, entries: Entry[], nowMs: number): void {
    const messages = stores.history.appendAll(
      entries.map((entry) => entry.item),
      nowMs,
    );
    stores.snapshots.rememberAll(messages);
    const ids: Array<{ key: string; seq: number }> = [];
    entries.forEach((entry, index) => {
      const message = messages[index]!;
      if (entry.item.key !== undefined) ids.push({ key: entry.item.key, seq: message.seq });
      entry.message = message;
    });
    stores.publishIds.rememberAll(ids, nowMs);
  }

  private finish(entry: Entry, generation: number): void {
    const key = entry.item.key;
    if (key !== undefined && this.pendingKeys.get(key) === entry) this.pendingKeys.delete(key);
    const message = entry.message;
    if (!message) {
      entry.answer.failed(entry.error);
      return;
    }
    if (generation === this.generation) this.deliveredSeq = message.seq;
    try {
      this.host.deliver(message);
    } finally {
      // Durable whatever delivery did: the sender is told.
      entry.answer.done(message.seq);
    }
  }
}
