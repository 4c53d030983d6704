/**
 * @module publish-body
 * Reads an HTTP publish body (docs/protocol.md §2): JSON `{"data": any, "topic"?: string, "id"?: string}`,
 * or a `text/plain` body taken as string data. Size is checked before and after reading (413).
 * `id` is the idempotency id: a retry with it within the window gets the first seq.
 */
import { MAX_FRAME_ID_LENGTH } from "../shared/protocol";
import { MAX_RPC_MESSAGE_BYTES } from "../shared/rpc-budget";
import { MAX_TOPIC_LENGTH, isValidTopic } from "../shared/topics";
import { errorResponse } from "./http-error";

export interface PublishInput {
  data: unknown;
  topic?: string;
  id?: string;
}

export type BodyResult<T> = { ok: true; value: T } | { ok: false; response: Response };

function tooLarge(maxBytes: number): BodyResult<never> {
  return { ok: false, response: errorResponse(413, "payload_too_large", `body is over ${maxBytes} bytes (MAX_MESSAGE_BYTES, at most ${MAX_RPC_MESSAGE_BYTES} for an HTTP publish)`) };
}

function badBody(message: string): BodyResult<never> {
  return { ok: false, response: errorResponse(400, "bad_request", message) };
}

/** Reads the body as text, refusing to buffer more than `maxBytes`. */
export async function readBodyText(request: Request, maxBytes: number): Promise<BodyResult<string>> {
  const declared = Number(request.headers.get("Content-Length"));
  if (Number.isFinite(declared) && declared > maxBytes) return tooLarge(maxBytes);
  if (!request.body) return { ok: true, value: "" };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      // The body is refused either way; a cancel that fails only means the stream already ended.
      await reader.cancel().catch(() => {});
      return tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { ok: true, value: new TextDecoder().decode(bytes) };
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
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.value);
  } catch {
    return badBody("body is not valid JSON");
  }
  const input = toPublishInput(parsed);
  return typeof input === "string" ? badBody(input) : { ok: true, value: input };
}
