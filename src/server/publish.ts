/**
 * @module publish
 * Publishing over HTTP (docs/protocol.md §2): one message (`POST /rooms/:room/messages`) or many
 * (`POST /publish`). Every message carries an idempotency id — the caller's, or a random UUID —
 * and a retry sends the same id, so the room answers a repeat with the first seq instead of
 * publishing twice: that is what makes publish safe to retry after a lost answer.
 */
import { MAX_BATCH_MESSAGES } from "../shared/limits";
import { apiRequest } from "./api-request";
import type { ResolvedServerOptions } from "./options";
import { roomPath } from "./room-path";

export interface PublishOptions {
  /** The message's topic (clients filter on it; the room keeps the latest per topic). */
  topic?: string;
  /** Idempotency id (≤ 128 chars): a repeat within the room's window publishes nothing. A UUID when absent. */
  id?: string;
}

export interface Published {
  seq: number;
  /** The idempotency id sent (yours or the generated one): publish again with it to be safe. */
  id: string;
}

export interface BatchMessage extends PublishOptions {
  room: string;
  data: unknown;
}

/** One entry of a batch's answer, in the order of the messages. */
export type BatchResult =
  | { id: string; room: string; seq: number; error?: undefined }
  | { id: string; room?: string; seq?: undefined; error: { code: string; message: string } };

function newId(): string {
  return crypto.randomUUID();
}

export async function publish(options: ResolvedServerOptions, room: string, data: unknown, publishOptions: PublishOptions = {}): Promise<Published> {
  const id = publishOptions.id ?? newId();
  const body = { data, id, ...(publishOptions.topic === undefined ? {} : { topic: publishOptions.topic }) };
  const { seq } = await apiRequest<{ seq: number }>(options, { method: "POST", path: roomPath(room, "/messages"), body, idempotent: true });
  return { seq, id };
}

/**
 * Publishes every message, in order per room; more than one request's worth
 * (MAX_BATCH_MESSAGES) is sent as several requests, one after the other. An entry the gateway
 * refused has `error` (forbidden, invalid_room, payload_too_large, ...); the others are published.
 */
export async function publishBatch(options: ResolvedServerOptions, messages: readonly BatchMessage[]): Promise<BatchResult[]> {
  const entries = messages.map(({ room, data, topic, id }) => ({ room, data, id: id ?? newId(), ...(topic === undefined ? {} : { topic }) }));
  const results: BatchResult[] = [];
  for (let start = 0; start < entries.length; start += MAX_BATCH_MESSAGES) {
    const chunk = entries.slice(start, start + MAX_BATCH_MESSAGES);
    const answer = await apiRequest<{ results: Array<Omit<BatchResult, "id">> }>(options, { method: "POST", path: "/publish", body: { messages: chunk }, idempotent: true });
    answer.results.forEach((result, index) => results.push({ ...result, id: chunk[index]!.id } as BatchResult));
  }
  return results;
}
