/**
 * @module error-summary
 * What an error log line says about a failure: the error's name, its message made safe to log,
 * and the top stack frame as `function (file:line)`. Runtime-free (unit-tested in Node).
 *
 * The rule for messages: an error's message may embed input. V8 quotes it (`JSON.parse`:
 * `Unexpected token 'x', "{secret…" is not valid JSON`; `(reading 'name')`), and libraries paste
 * it bare (hono/jwt: `token(eyJ…) signature mismatched`). So only the first line is kept, every
 * quoted span becomes `"…"`, every run of 16 or more token-like characters (JWTs, keys, base64,
 * hex ids) becomes `…`, and the result is cut at MAX_LOGGED_MESSAGE_CHARS. What remains is the
 * message's own wording ("Unexpected end of JSON input", "Durable Object reset because its code
 * was updated"), which says what failed without carrying a body, token or secret. log.ts also
 * blanks the configured secrets anywhere in a line, whatever their length.
 * The stack itself is never logged (nor ever put in a response): only its top frame's location.
 */

/** Longest error message written to a log line, in characters (after redaction). */
export const MAX_LOGGED_MESSAGE_CHARS = 160;
/** Shortest run of token-like characters treated as a possible token, key or payload. */
const OPAQUE_RUN_MIN_CHARS = 16;

/** Double, single (not an apostrophe inside a word) and backtick quotes; an unclosed one runs to the end. */
const QUOTED_SPAN = /"(?:[^"\\]|\\.)*"?|(?<![A-Za-z0-9])'(?:[^'\\]|\\.)*'?|`[^`]*`?/g;
const OPAQUE_RUN = new RegExp(`[A-Za-z0-9+/=_.~-]{${OPAQUE_RUN_MIN_CHARS},}`, "g");
/** `at fn (file:line:col)`, `at file:line:col` and workerd's `at file:line:col in fn`. */
const STACK_FRAME = /^\s*at (?:(?:async )?(.+?) \((.+?):(\d+):\d+\)|(.+?):(\d+):\d+(?: in (.+))?)\s*$/;

export interface ErrorSummary {
  errorName: string;
  /** The message with input-shaped parts blanked (see the module comment). */
  message?: string;
  /** The top stack frame: `function (file:line)`, or `file:line`. */
  at?: string;
}

export function redactMessage(message: string): string {
  const firstLine = message.split("\n", 1)[0] ?? "";
  const redacted = firstLine.replace(QUOTED_SPAN, '"…"').replace(OPAQUE_RUN, "…");
  return redacted.length > MAX_LOGGED_MESSAGE_CHARS ? `${redacted.slice(0, MAX_LOGGED_MESSAGE_CHARS)}…` : redacted;
}

/** `function (file:line)` of the first frame of a V8 stack, with the file's directories dropped. */
export function topFrame(stack: string | undefined): string | undefined {
  for (const line of (stack ?? "").split("\n")) {
    const match = STACK_FRAME.exec(line);
    if (!match) continue;
    const [, fnA, fileA, lineA, fileB, lineB, fnB] = match;
    const fn = fnA ?? fnB;
    const file = (fileA ?? fileB ?? "").split(/[\\/]/).pop();
    const place = `${file}:${lineA ?? lineB}`;
    return fn ? `${fn} (${place})` : place;
  }
  return undefined;
}

export function summarizeError(error: unknown): ErrorSummary {
  if (!(error instanceof Error)) return { errorName: error === null ? "null" : typeof error };
  const message = redactMessage(error.message);
  const at = topFrame(error.stack);
  return { errorName: error.name, ...(message ? { message } : {}), ...(at ? { at } : {}) };
}
