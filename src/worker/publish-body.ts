/**
 * @module publish-body
 * What an HTTP publish body holds (docs/protocol.md §2): JSON `{"data": any, "topic"?: string, "id"?: string}`,
 * or a `text/plain` body taken as string data. The size cap is admission's (body-reading.ts: 413).
 * `id` is the idempotency id: a retry with it within the window gets the first seq.
 */
import { badBody, parseJsonBody, readBodyText, type BodyResult } from "../admission";
import { MAX_FRAME_ID_LENGTH, MAX_TOPIC_LENGTH } from "../shared/limits";
import { isValidTopic } from "../shared/topics";

export interface PublishInput {
  data: unknown;
  topic?: string;
  id?: string;
}

/** Validates one `{"data", "topic"?}` object (also used per entry of a batch publish). */
export function toPublishInput(value: unknown): PublishInput | string {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return "body must be a JSON object";
  const record = value as Record<string, unknown>;
  if (!("data" in record) || record.data === undefined) return 'body needs a "data" field';
  if (record.topic !== undefined && !isValidTopic(record.topic)) return `"topic" must be a non-empty string of at most ${MAX_TOPIC_LENGTH} characters`;
  const id = record.id;
  if (id !== undefined && (typeof id !== "string" || id.length === 0 || id.length > MAX_FRAME_ID_LENGTH)) return `"id" must be a non-empty string of at most ${MAX_FRAME_ID_LENGTH} characters`;
  return { data: record.data, topic: record.topic as string | undefined, ...(id === undefined ? {} : { id }) };
}

export async function readPublishBody(request: Request, maxBytes: number): Promise<BodyResult<PublishInput>> {
  const text = await readBodyText(request, maxBytes);
  if (!text.ok) return text;
  const contentType = request.headers.get("Content-Type")?.toLowerCase() ?? "";
  if (contentType.startsWith("text/plain")) return { ok: true, value: { data: text.value } };
  const parsed = parseJsonBody(text.value);
  if (!parsed.ok) return parsed;
  const input = toPublishInput(parsed.value);
  return typeof input === "string" ? badBody(input) : { ok: true, value: input };
}
