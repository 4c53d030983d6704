/**
 * @module sse-format
 * Server-Sent Events framing for `GET /rooms/:room/events` (docs/protocol.md §10), runtime-free.
 * A room message is an event with `id:` = its seq and `data:` = the same JSON as a history item
 * (`{"seq","topic"?,"from","data","ts"}`). Snapshots (latest per topic on connect) carry
 * `"snapshot":true` and no `id:`, so they never move the client's resume point. The stream also
 * sends `event: welcome` first, `event: direct` for direct messages, `event: close` before it ends
 * because the room closed it, and `: heartbeat` comments while idle.
 */
import type { MessageFields } from "../../shared/protocol";

export interface SseEvent {
  id?: string;
  event?: string;
  data: string;
}

/** A comment line: ignored by EventSource, keeps proxies and the client's read timeout happy. */
export const SSE_HEARTBEAT = ": heartbeat\n\n";

/** Longest Last-Event-ID / since accepted: 15 digits stays an exact integer in JS. */
const SEQ_PATTERN = /^\d{1,15}$/;
/** Epochs are the room's random hex ids; anything else cannot match and is refused. */
const EPOCH_PATTERN = /^[0-9a-f]{1,64}$/;

/** One event; multi-line data becomes several `data:` lines, as the format requires. */
export function encodeSseEvent(event: SseEvent): string {
  let text = "";
  if (event.event !== undefined) text += `event: ${stripLineBreaks(event.event)}\n`;
  if (event.id !== undefined) text += `id: ${stripLineBreaks(event.id)}\n`;
  for (const line of event.data.split(/\r\n|\r|\n/)) text += `data: ${line}\n`;
  return `${text}\n`;
}

/** How long EventSource waits before reconnecting, in ms (its `retry:` field). */
export function encodeRetry(ms: number): string {
  return `retry: ${Math.max(0, Math.floor(ms))}\n\n`;
}

function stripLineBreaks(text: string): string {
  return text.replace(/[\r\n]/g, "");
}

export interface ResumeRequest {
  /** The last seq the client has; undefined for a fresh stream. */
  since?: number;
  /** The epoch that seq belongs to, when the client knows it. */
  epoch?: string;
}

export type ResumeParse = { ok: true; resume: ResumeRequest } | { ok: false; message: string };

/**
 * Where to resume: `Last-Event-ID` (what EventSource sends on reconnect) wins over `?since=`.
 * An empty Last-Event-ID means "nothing seen yet", as EventSource sends it after a reset.
 */
export function parseResume(lastEventId: string | null, since: string | null, epoch: string | null): ResumeParse {
  const seqText = lastEventId !== null && lastEventId.trim() !== "" ? lastEventId.trim() : since;
  if (seqText !== null && seqText !== "" && !SEQ_PATTERN.test(seqText)) {
    return { ok: false, message: "Last-Event-ID and since must be a message seq (a whole number)" };
  }
  if (epoch !== null && epoch !== "" && !EPOCH_PATTERN.test(epoch)) return { ok: false, message: "epoch must be the room's epoch id" };
  const resume: ResumeRequest = {};
  if (seqText !== null && seqText !== "") resume.since = Number(seqText);
  if (epoch !== null && epoch !== "") resume.epoch = epoch;
  return { ok: true, resume };
}

export type MessageEventInput = MessageFields;

/** The event for one room message. */
export function encodeMessageEvent(message: MessageEventInput): string {
  const body = { seq: message.seq, ...(message.topic === undefined ? {} : { topic: message.topic }), from: message.from, data: message.data, ts: message.ts, ...(message.snapshot ? { snapshot: true } : {}) };
  return encodeSseEvent({ ...(message.snapshot ? {} : { id: String(message.seq) }), data: JSON.stringify(body) });
}
