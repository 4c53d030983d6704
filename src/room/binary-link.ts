/**
 * @module binary-link
 * A shard's queue of binary frames to its primary, which fans them out to every shard (docs/protocol.md §3:
 * binary reaches every connection of the room; §8 sharded rooms). One call in flight at a time,
 * the rest batched into the next, so a connection's frames keep the order it sent them in.
 */
import { log } from "../log";
import type { BinaryFrame } from "./shard-protocol";

/** Most frames in one call to the primary. */
export const MAX_FRAMES_PER_BINARY_CALL = 512;
/** Most frame bytes in one call (clear of the 32 MiB JS RPC limit); a larger frame goes alone. */
export const MAX_BYTES_PER_BINARY_CALL = 8 * 1024 * 1024;

export interface BinaryTarget {
  relayBinaryFromShard(room: string, frames: BinaryFrame[]): Promise<void>;
}

export class BinaryLink {
  private readonly queue: BinaryFrame[] = [];
  private busy = false;

  constructor(
    private readonly primary: () => BinaryTarget,
    private readonly room: () => string,
  ) {}

  relay(frame: BinaryFrame): void {
    this.queue.push(frame);
    if (!this.busy) void this.drain();
  }

  private async drain(): Promise<void> {
    this.busy = true;
    try {
      while (this.queue.length > 0) {
        const frames = this.queue.splice(0, framesForOneCall(this.queue));
        try {
          await this.primary().relayBinaryFromShard(this.room(), frames);
        } catch (error) {
          // Binary frames are not stored or acknowledged: what the primary did not take is gone,
          // like a frame to a peer that dropped. The log says so; the senders stay connected.
          log("error", { room: this.room(), where: "BinaryLink.flush", error, reason: `primary did not take ${frames.length} binary frames` });
        }
      }
    } finally {
      this.busy = false;
    }
  }
}

function framesForOneCall(queue: readonly BinaryFrame[]): number {
  let bytes = 0;
  let count = 0;
  while (count < queue.length && count < MAX_FRAMES_PER_BINARY_CALL) {
    bytes += queue[count]!.data.byteLength;
    if (count > 0 && bytes > MAX_BYTES_PER_BINARY_CALL) break;
    count++;
  }
  return count;
}
