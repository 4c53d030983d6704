/**
 * @module shard-fanout
 * The primary's delivery to its shards: one ordered pump per shard. Events queued while a call
 * is in flight go together in the next call, so a fast feed costs few RPCs and order per shard
 * is the seq order. A failing shard is logged and skipped; the others go on.
 */
import { log } from "../log";
import { shardEventBytes, type ShardEvent } from "./shard-protocol";

/** Most events in one RPC to a shard. */
export const MAX_EVENTS_PER_SHARD_CALL = 512;
/** Most event bytes (shardEventBytes) in one RPC to a shard; a single larger event goes alone. */
export const MAX_BYTES_PER_SHARD_CALL = 8 * 1024 * 1024;

export interface ShardTarget {
  deliver(events: ShardEvent[]): Promise<void>;
}

export class ShardFanout {
  private readonly queues: ShardEvent[][];
  private readonly busy: boolean[];

  constructor(
    private readonly shardCount: number,
    private readonly target: (shard: number) => ShardTarget,
    private readonly room: () => string,
  ) {
    this.queues = Array.from({ length: shardCount }, () => []);
    this.busy = Array.from({ length: shardCount }, () => false);
  }

  push(event: ShardEvent): void {
    for (let shard = 0; shard < this.shardCount; shard++) {
      this.queues[shard]!.push(event);
      if (!this.busy[shard]) void this.drain(shard);
    }
  }

  private async drain(shard: number): Promise<void> {
    this.busy[shard] = true;
    try {
      const queue = this.queues[shard]!;
      while (queue.length > 0) {
        const events = queue.splice(0, eventsForOneCall(queue));
        try {
          await this.target(shard).deliver(events);
        } catch (error) {
          log("error", { room: this.room(), reason: `shard ${shard} did not take ${events.length} events`, where: "ShardFanout.drain", error });
        }
      }
    } finally {
      this.busy[shard] = false;
    }
  }
}

/** How many queued events the next call takes: up to the count and byte caps, at least one. */
function eventsForOneCall(queue: readonly ShardEvent[]): number {
  let bytes = 0;
  let count = 0;
  while (count < queue.length && count < MAX_EVENTS_PER_SHARD_CALL) {
    bytes += shardEventBytes(queue[count]!);
    if (count > 0 && bytes > MAX_BYTES_PER_SHARD_CALL) break;
    count++;
  }
  return count;
}
