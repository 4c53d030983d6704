/**
 * @module stomp-send-body
 * What a STOMP SEND body publishes (docs/protocol.md §10), runtime-free: a JSON content-type publishes the
 * parsed value (so v1 and raw clients see the same data a v1 publish would give them); any other
 * body is UTF-8 text published as a string. MESSAGE does the reverse: string data as text/plain,
 * anything else as application/json.
 */

export type SendBody = { ok: true; data: unknown } | { ok: false; message: string };

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/** `application/json`, `application/vnd.x+json` and the like, with or without parameters. */
export function isJsonContentType(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const mediaType = contentType.split(";")[0]!.trim().toLowerCase();
  return mediaType === "application/json" || mediaType.endsWith("+json");
}

export function decodeSendBody(body: Uint8Array, contentType: string | undefined): SendBody {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    return { ok: false, message: "body must be UTF-8 text" };
  }
  if (!isJsonContentType(contentType)) return { ok: true, data: text };
  try {
    return { ok: true, data: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, message: "body is not valid JSON (content-type says JSON)" };
  }
}
