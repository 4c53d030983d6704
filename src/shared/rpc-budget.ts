/**
 * @module rpc-budget
 * What one JS RPC call (Worker → room, shard ↔ primary) may carry: 32 MiB serialized. A message
 * crosses it as JSON text (`dataJson`) or as a structured clone of its parsed value, so the
 * largest message that provably fits is bounded by the worst-case growth of either form:
 *
 * - JSON: a control character (U+0000–U+001F) is 1 UTF-8 byte and 6 UTF-16 units once escaped
 *   (`\u0001`); nothing grows more (a v1 number such as `1e20` grows 5.25×).
 * - Structured clone writes a string in 2 bytes per unit once it holds any character above
 *   U+00FF, so 6 units are at most 12 bytes. A parsed value grows less (≤ 4.5×: `-0` is a
 *   9-byte double for 2 bytes of `0,`).
 *
 * So a message of B bytes needs at most 12·B bytes, and B ≤ 2.5 MiB keeps it within 30 MiB,
 * leaving 2 MiB for the call's other fields (room, topic, ids, framing).
 */
import { MAX_RPC_MESSAGE_BYTES, type Limits } from "./limits";

/** The JS RPC limit on one call's serialized arguments or result. */
export const RPC_MAX_BYTES = 32 * 1024 * 1024;
/** Serialized bytes one message byte can grow to on its way through an RPC (see above). */
export const RPC_BYTES_PER_MESSAGE_BYTE = 12;

/** The most bytes one HTTP publish (a body, or one `/publish` entry's data) may have: it always crosses an RPC. */
export function maxHttpPublishBytes(limits: Pick<Limits, "maxMessageBytes">): number {
  return Math.min(limits.maxMessageBytes, MAX_RPC_MESSAGE_BYTES);
}

/**
 * Splits items into consecutive runs that each fit one RPC call: a run's bytes (as measured by
 * `bytesOf`) add up to at most MAX_RPC_MESSAGE_BYTES, so 12× of it stays within 30 MiB. An item
 * is never larger than that itself (callers refuse it first), so every run holds at least one.
 */
export function rpcSizedRuns<T>(items: readonly T[], bytesOf: (item: T) => number): T[][] {
  const runs: T[][] = [];
  let run: T[] = [];
  let runBytes = 0;
  for (const item of items) {
    const bytes = bytesOf(item);
    if (run.length > 0 && runBytes + bytes > MAX_RPC_MESSAGE_BYTES) {
      runs.push(run);
      run = [];
      runBytes = 0;
    }
    run.push(item);
    runBytes += bytes;
  }
  if (run.length > 0) runs.push(run);
  return runs;
}
