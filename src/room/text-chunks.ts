/**
 * @module text-chunks
 * Splitting a long text over several SQLite rows. Durable Object SQLite caps a string, a bound
 * value and a row at 2 MB (local workerd refuses ~8 MiB with SQLITE_TOOBIG), while a message may
 * be up to MAX_MESSAGE_BYTES (≤ 32 MiB). history.ts and topic-snapshots.ts keep the first part
 * in their own row and the rest in a chunk table; readers join the parts back in order.
 */

/**
 * Most UTF-16 units in one stored part. SQLite stores TEXT as UTF-8, at most 3 bytes per unit
 * (a surrogate pair is 2 units and 4 bytes), so a part is at most 768 KiB: under 1 MiB, with room
 * for the row's other columns.
 */
export const MAX_CHUNK_UNITS = 256 * 1024;

/** True for the first half of a UTF-16 surrogate pair. */
function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/**
 * `text` in parts of at most `maxUnits` UTF-16 units, never splitting a surrogate pair (SQLite
 * would store each half as U+FFFD). Always at least one part; the parts joined give `text`.
 */
export function splitText(text: string, maxUnits = MAX_CHUNK_UNITS): string[] {
  if (maxUnits < 2) throw new RangeError("a chunk must hold at least one surrogate pair");
  if (text.length <= maxUnits) return [text];
  const parts: string[] = [];
  let start = 0;
  while (start < text.length) {
    let end = Math.min(start + maxUnits, text.length);
    if (end < text.length && isHighSurrogate(text.charCodeAt(end - 1))) end--;
    parts.push(text.slice(start, end));
    start = end;
  }
  return parts;
}
