/**
 * @module sockjs-framing
 * The SockJS protocol's framing (sockjs-protocol 0.3.3), runtime-free. Server → client frames:
 * `o` open, `h` heartbeat, `a[...]` messages (JSON strings), `c[code,"reason"]` close. Client →
 * server: a JSON array of strings (or one JSON string). Transports wrap frames: xhr and
 * xhr-streaming end each with `\n`, eventsource sends `data: <frame>\r\n\r\n`.
 */

export const OPEN_FRAME = "o";
export const HEARTBEAT_FRAME = "h";

/** SockJS's own close codes (not WebSocket codes: they only travel inside `c` frames). */
export const SockjsCloseCode = {
  /** A second receiving request on a session that already has one. */
  anotherConnectionStillOpen: 2010,
} as const;

/** xhr-streaming starts with 2 KiB of `h` so browsers start handing the body over at once. */
const XHR_STREAMING_PRELUDE_BYTES = 2_048;
export const XHR_STREAMING_PRELUDE = `${HEARTBEAT_FRAME.repeat(XHR_STREAMING_PRELUDE_BYTES)}\n`;
/** eventsource starts with an empty line (an old Opera needed it; clients ignore it). */
export const EVENTSOURCE_PRELUDE = "\r\n";
/** A streaming response is ended after this many bytes so the browser can free it; the client reopens. */
export const STREAMING_RESPONSE_LIMIT_BYTES = 128 * 1024;

/** Session and server ids: any non-empty path segment without dots (sockjs-protocol §Session URLs). */
const SESSION_PART_PATTERN = /^[^./]{1,64}$/;

export function isSessionPart(text: string): boolean {
  return SESSION_PART_PATTERN.test(text);
}

/**
 * Characters SockJS servers must escape in JSON (browsers mangle them on some transports):
 * controls, zero-width and direction marks, line/paragraph separators, specials, and lone
 * surrogates (JSON.stringify already escapes those).
 */
const ESCAPABLE = /[\u0000-\u001f\u200c-\u200f\u2028-\u202f\u2060-\u206f\ufff0-\uffff]/g;

function quote(text: string): string {
  return JSON.stringify(text).replace(ESCAPABLE, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

export function messagesFrame(messages: readonly string[]): string {
  return `a[${messages.map(quote).join(",")}]`;
}

export function closeFrame(code: number, reason: string): string {
  return `c[${code},${quote(reason)}]`;
}

/** A frame as an eventsource event. sockjs-client runs `decodeURI` on it, so `%` must be escaped. */
export function eventSourceFrame(frame: string): string {
  return `data: ${frame.replace(/[%\r\n\u0000]/g, (char) => `%${char.charCodeAt(0).toString(16).padStart(2, "0").toUpperCase()}`)}\r\n\r\n`;
}

export type ClientPayload = { ok: true; messages: string[] } | { ok: false; message: string };

/** What a client sent: a JSON array of strings, or one JSON string. Empty text is no messages. */
export function parseClientPayload(text: string): ClientPayload {
  if (text === "") return { ok: true, messages: [] };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, message: "Broken JSON encoding." };
  }
  if (typeof parsed === "string") return { ok: true, messages: [parsed] };
  if (Array.isArray(parsed) && parsed.every((item) => typeof item === "string")) return { ok: true, messages: parsed as string[] };
  return { ok: false, message: "Broken JSON encoding." };
}

/** What a raw client gets for a room message: string data as-is, anything else as JSON text. */
export function rawText(data: unknown): string {
  return typeof data === "string" ? data : JSON.stringify(data);
}

/** `GET /info`: websocket on, no sticky-session cookie, fresh entropy (a random 32-bit number). */
export function infoBody(entropy: number): string {
  return JSON.stringify({ websocket: true, origins: ["*:*"], cookie_needed: false, entropy });
}

export const GREETING = "Welcome to SockJS!\n";
