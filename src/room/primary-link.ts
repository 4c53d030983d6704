/**
 * @module primary-link
 * A shard's queue of publishes to its primary: one call in flight at a time, the rest batched
 * into the next, so a connection's publishes are sequenced in the order it sent them.
 */
import type { SequenceItem } from "./shard-protocol";

export interface PrimaryTarget {
  sequenceFromShard(room: string, items: SequenceItem[]): Promise<number[]>;
}

interface Waiting {
  item: SequenceItem;
  resolve: (seq: number) => void;
  reject: (error: unknown) => void;
}

/** Most publishes in one call to the primary. */
export const MAX_ITEMS_PER_PRIMARY_CALL = 512;
/** Most data in one call, as structured-clone bytes (≤ 2 per UTF-16 unit): clear of the 32 MiB JS RPC limit. */
export const MAX_BYTES_PER_PRIMARY_CALL = 8 * 1024 * 1024;

export class PrimaryLink {
  private readonly queue: Waiting[] = [];
  private busy = false;

  constructor(
    private readonly primary: () => PrimaryTarget,
    private readonly room: () => string,
  ) {}

  /** Resolves with the message's seq (the first seq when its idempotency key was seen before). */
  sequence(item: SequenceItem): Promise<number> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.busy) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.busy = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, itemsForOneCall(this.queue));
        try {
          const seqs = await this.primary().sequenceFromShard(this.room(), batch.map((waiting) => waiting.item));
          batch.forEach((waiting, index) => waiting.resolve(seqs[index]!));
        } catch (error) {
          for (const waiting of batch) waiting.reject(error);
        }
      }
    } finally {
      this.busy = false;
    }
  }
}

/** How many queued publishes the next call takes: up to the count and byte caps, at least one. */
function itemsForOneCall(queue: readonly Waiting[]): number {
  let bytes = 0;
  let count = 0;
  while (count < queue.length && count < MAX_ITEMS_PER_PRIMARY_CALL) {
    bytes += 2 * queue[count]!.item.dataJson.length;
    if (count > 0 && bytes > MAX_BYTES_PER_PRIMARY_CALL) break;
    count++;
  }
  return count;
}
