/**
 * @module message-stream
 * Stored messages as a byte stream, for the primary's answers whose size has no bound: an attach
 * replay (up to a whole history) and topic snapshots. A JS RPC argument or result is capped at
 * 32 MiB (shared/rpc-budget.ts); a ReadableStream crossing an RPC is not.
 * Each message is two lines: its fields but data as JSON, then `dataJson` as is (JSON text never
 * holds a raw newline), so data is never escaped twice.
 */
import type { StoredMessage } from "../shared/protocol";

export function messageStream(messages: readonly StoredMessage[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let next = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const message = messages[next++];
      if (!message) return controller.close();
      const { dataJson, ...fields } = message;
      controller.enqueue(encoder.encode(`${JSON.stringify(fields)}\n${dataJson}\n`));
    },
  });
}

export async function readMessageStream(stream: ReadableStream<Uint8Array>): Promise<StoredMessage[]> {
  const messages: StoredMessage[] = [];
  let fields: Omit<StoredMessage, "dataJson"> | undefined;
  const onLine = (line: string) => {
    if (fields === undefined) fields = JSON.parse(line) as Omit<StoredMessage, "dataJson">;
    else {
      messages.push({ ...fields, dataJson: line });
      fields = undefined;
    }
  };
  const decoder = new TextDecoder();
  // Pieces of the current line: joined once per line, so a long line costs linear time.
  let pieces: string[] = [];
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    const text = done ? decoder.decode() : decoder.decode(value, { stream: true });
    let start = 0;
    for (let end = text.indexOf("\n"); end >= 0; end = text.indexOf("\n", start)) {
      pieces.push(text.slice(start, end));
      onLine(pieces.join(""));
      pieces = [];
      start = end + 1;
    }
    if (start < text.length) pieces.push(text.slice(start));
    if (done) break;
  }
  if (fields !== undefined || pieces.length > 0) throw new Error("message stream ended inside a message");
  return messages;
}
