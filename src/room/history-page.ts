/**
 * @module history-page
 * One page of history as the HTTP API returns it (`GET /rooms/:room/messages`), built as JSON
 * text parts: each message's data is spliced in from storage, never parsed and re-serialized.
 * The parts go out joined (one RPC answer) or as a byte stream (a page of large messages can be
 * far over the 32 MiB JS RPC limit; a stream is not).
 */
import { HISTORY_PAGE_MAX_MESSAGES } from "../shared/limits";
import { encodeHistoryItem } from "../shared/protocol";
import type { History } from "./history";

/** `{"epoch":…,"seq":…,"messages":[…]}` in parts: the head, one part per message, the tail. */
export function historyPageParts(history: History, since: number, limit: number, nowMs: number): string[] {
  const messages = history.since(since, Math.min(limit, HISTORY_PAGE_MAX_MESSAGES), nowMs);
  const items = messages.map((message, index) => (index === 0 ? "" : ",") + encodeHistoryItem(message));
  return [`{"epoch":${JSON.stringify(history.epoch)},"seq":${history.seq},"messages":[`, ...items, "]}"];
}

/** The parts as UTF-8 bytes, one chunk per part, encoded as the reader pulls. */
export function partsStream(parts: readonly string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let next = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (next < parts.length) controller.enqueue(encoder.encode(parts[next++]));
      else controller.close();
    },
  });
}
