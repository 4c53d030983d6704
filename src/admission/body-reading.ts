/**
 * @module body-reading
 * Reading a request body without buffering more than a cap (413 before and while reading), and
 * parsing it as JSON (400): for the HTTP API (publish, batch publish, tickets) and SockJS's
 * xhr_send. Part of admission because the cap is what lets a body in at all; what a body must
 * contain belongs to its route (worker/publish-body.ts, worker/tickets.ts).
 */
import { MAX_RPC_MESSAGE_BYTES } from "../shared/limits";
import { errorResponse } from "../shared/http-error";
import { ErrorCode } from "../shared/error-codes";

export type BodyResult<T> = { ok: true; value: T } | { ok: false; response: Response };

function tooLarge(maxBytes: number): BodyResult<never> {
  return { ok: false, response: errorResponse(ErrorCode.payloadTooLarge, `body is over ${maxBytes} bytes (MAX_MESSAGE_BYTES, at most ${MAX_RPC_MESSAGE_BYTES} for an HTTP publish)`) };
}

/** A 400 `bad_request` with a message saying what the body lacks. */
export function badBody(message: string): BodyResult<never> {
  return { ok: false, response: errorResponse(ErrorCode.badRequest, message) };
}

/**
 * Past the cap, up to this many more bytes of a streamed body are read and dropped before the
 * 413 goes out. A server that answers and closes with body bytes still unread resets the
 * connection, and the client, still writing, then sees a broken pipe (or, through wrangler dev's
 * proxy, a 500) instead of the 413. A body even longer than this is cut off there.
 */
const OVER_CAP_DRAIN_MAX_BYTES = 1024 * 1024;

/** Reads what is left of a refused body (up to OVER_CAP_DRAIN_MAX_BYTES), then cancels it. */
async function discardRest(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
  let dropped = 0;
  try {
    while (dropped <= OVER_CAP_DRAIN_MAX_BYTES) {
      const { done, value } = await reader.read();
      if (done) return;
      dropped += value.byteLength;
    }
  } catch {
    // The client went away mid-body: the 413 is the answer either way.
    return;
  }
  await reader.cancel().catch(() => {
    // The body is refused either way; a cancel that fails only means the stream already ended.
  });
}

/** Reads the body as text, refusing to buffer more than `maxBytes`. */
export async function readBodyText(request: Request, maxBytes: number): Promise<BodyResult<string>> {
  const declared = Number(request.headers.get("Content-Length"));
  if (Number.isFinite(declared) && declared > maxBytes) return tooLarge(maxBytes);
  if (!request.body) return { ok: true, value: "" };
  // A declared length within the cap bounds the body (the runtime frames it by Content-Length),
  // so it can be read whole, natively; only a chunked body is counted as it streams.
  if (request.headers.has("Content-Length") && !request.headers.has("Transfer-Encoding")) return { ok: true, value: await request.text() };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await discardRest(reader);
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

/** Body text parsed as JSON, or the 400 every JSON route answers for text that is not. */
export function parseJsonBody(text: string): BodyResult<unknown> {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    // The 400 is the answer; the parser's own message would echo the input back.
    return badBody("body is not valid JSON");
  }
}
