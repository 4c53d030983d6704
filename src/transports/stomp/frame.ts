/**
 * @module stomp-frame
 * STOMP 1.0–1.2 frames (https://stomp.github.io/stomp-specification-1.2.html), runtime-free:
 * an incremental parser over bytes (content-length bodies may hold NULs, so it never works on
 * decoded text) and an encoder. The parser never throws; it reports the first problem and stops,
 * since a STOMP server answers a malformed frame with ERROR and closes.
 */
import { MAX_HEADERS_PER_FRAME } from "../../shared/limits";

export type StompVersion = "1.0" | "1.1" | "1.2";

export interface StompFrame {
  command: string;
  /** In wire order; repeated names are kept, and the first one counts (STOMP 1.2 §Repeated Header Entries). */
  headers: Array<[string, string]>;
  body: Uint8Array;
}

/** Commands a client may send. */
export const CLIENT_COMMANDS: ReadonlySet<string> = new Set(["CONNECT", "STOMP", "SEND", "SUBSCRIBE", "UNSUBSCRIBE", "ACK", "NACK", "BEGIN", "COMMIT", "ABORT", "DISCONNECT"]);
/** Frames whose headers are never escaped (STOMP 1.2 §Value Encoding). */
const UNESCAPED_COMMANDS: ReadonlySet<string> = new Set(["CONNECT", "STOMP", "CONNECTED"]);

/** Longer than any command plus a CR: a longer command line cannot be a command. */
const LONGEST_COMMAND_LINE_BYTES = 16;

const NUL = 0x00;
const LF = 0x0a;
const CR = 0x0d;
const COLON = 0x3a;

export type ParseProblem = { kind: "malformed" | "too_large"; message: string };

export interface ParseResult {
  frames: StompFrame[];
  /** EOLs between frames: client heart-beats. */
  heartbeats: number;
  problem?: ParseProblem;
}

export function header(frame: StompFrame, name: string): string | undefined {
  for (const [key, value] of frame.headers) if (key === name) return value;
  return undefined;
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/** Decodes a header line's bytes; invalid UTF-8 is a malformed frame. */
function decodeText(bytes: Uint8Array): string | null {
  try {
    return utf8.decode(bytes);
  } catch {
    return null;
  }
}

/** STOMP 1.1/1.2 header unescaping; an undefined escape is a fatal error (null). */
function unescapeHeader(text: string, version: StompVersion): string | null {
  if (version === "1.0" || !text.includes("\\")) return text;
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char !== "\\") {
      out += char;
      continue;
    }
    const next = text[++i];
    if (next === "n") out += "\n";
    else if (next === "c") out += ":";
    else if (next === "\\") out += "\\";
    else if (next === "r" && version === "1.2") out += "\r";
    else return null;
  }
  return out;
}

function isCommandPrefix(bytes: Uint8Array): boolean {
  const text = String.fromCharCode(...bytes.subarray(0, LONGEST_COMMAND_LINE_BYTES)).replace(/\r$/, "");
  for (const command of CLIENT_COMMANDS) if (command.startsWith(text)) return true;
  return false;
}

/**
 * Incremental parser. `version` (set once CONNECT negotiated it) decides header unescaping;
 * before that, 1.2 rules apply. `maxFrameBytes` bounds one frame, headers and body included.
 */
export class StompParser {
  version: StompVersion = "1.2";
  private buffer: Uint8Array = new Uint8Array(0);
  private failed = false;

  constructor(private readonly maxFrameBytes: number) {}

  push(chunk: Uint8Array): ParseResult {
    const result: ParseResult = { frames: [], heartbeats: 0 };
    if (this.failed) return result;
    this.buffer = this.buffer.byteLength === 0 ? chunk : concat(this.buffer, chunk);
    for (;;) {
      let start = 0;
      while (start < this.buffer.byteLength && (this.buffer[start] === LF || (this.buffer[start] === CR && this.buffer[start + 1] === LF))) {
        if (this.buffer[start] === CR) start++;
        start++;
        result.heartbeats++;
      }
      this.buffer = this.buffer.subarray(start);
      if (this.buffer.byteLength === 0) return result;
      const step = this.parseOne();
      if (step === "incomplete") {
        if (this.buffer.byteLength > this.maxFrameBytes) return this.fail(result, { kind: "too_large", message: `frame over ${this.maxFrameBytes} bytes` });
        return result;
      }
      if ("kind" in step) return this.fail(result, step);
      result.frames.push(step.frame);
      this.buffer = this.buffer.subarray(step.consumed);
    }
  }

  private fail(result: ParseResult, problem: ParseProblem): ParseResult {
    this.failed = true;
    this.buffer = new Uint8Array(0);
    return { ...result, problem };
  }

  private parseOne(): { frame: StompFrame; consumed: number } | ParseProblem | "incomplete" {
    const buffer = this.buffer;
    const commandEnd = buffer.indexOf(LF);
    if (commandEnd < 0) return isCommandPrefix(buffer) ? "incomplete" : { kind: "malformed", message: "unknown command" };
    const command = String.fromCharCode(...buffer.subarray(0, Math.min(commandEnd, LONGEST_COMMAND_LINE_BYTES))).replace(/\r$/, "");
    if (!CLIENT_COMMANDS.has(command)) return { kind: "malformed", message: "unknown command" };
    const headers: Array<[string, string]> = [];
    let position = commandEnd + 1;
    for (;;) {
      const lineEnd = buffer.indexOf(LF, position);
      if (lineEnd < 0) return "incomplete";
      const lineBytes = buffer.subarray(position, lineEnd > position && buffer[lineEnd - 1] === CR ? lineEnd - 1 : lineEnd);
      position = lineEnd + 1;
      if (lineBytes.byteLength === 0) break;
      if (headers.length >= MAX_HEADERS_PER_FRAME) return { kind: "malformed", message: `more than ${MAX_HEADERS_PER_FRAME} headers` };
      const colon = lineBytes.indexOf(COLON);
      if (colon <= 0) return { kind: "malformed", message: "header line without a name and a colon" };
      const name = decodeText(lineBytes.subarray(0, colon));
      const value = decodeText(lineBytes.subarray(colon + 1));
      if (name === null || value === null) return { kind: "malformed", message: "header is not UTF-8" };
      const escaped = !UNESCAPED_COMMANDS.has(command);
      const decodedName = escaped ? unescapeHeader(name, this.version) : name;
      const decodedValue = escaped ? unescapeHeader(value, this.version) : value;
      if (decodedName === null || decodedValue === null) return { kind: "malformed", message: "undefined escape sequence in a header" };
      headers.push([decodedName, decodedValue]);
    }
    const frameHeaders = { command, headers, body: new Uint8Array(0) };
    const lengthText = header(frameHeaders, "content-length");
    if (lengthText !== undefined) {
      if (!/^\d{1,10}$/.test(lengthText.trim())) return { kind: "malformed", message: "content-length is not a byte count" };
      const length = Number(lengthText.trim());
      if (position + length > this.maxFrameBytes) return { kind: "too_large", message: `frame over ${this.maxFrameBytes} bytes` };
      if (buffer.byteLength < position + length + 1) return "incomplete";
      if (buffer[position + length] !== NUL) return { kind: "malformed", message: "body longer than content-length" };
      return { frame: { ...frameHeaders, body: buffer.slice(position, position + length) }, consumed: position + length + 1 };
    }
    const end = buffer.indexOf(NUL, position);
    if (end < 0) return "incomplete";
    return { frame: { ...frameHeaders, body: buffer.slice(position, end) }, consumed: end + 1 };
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.byteLength + b.byteLength);
  out.set(a, 0);
  out.set(b, a.byteLength);
  return out;
}

/** Escapes one header name or value for `version`; 1.0 (no escaping) gets line breaks replaced. */
export function escapeHeader(text: string, version: StompVersion | undefined, command: string): string {
  if (version === undefined || version === "1.0" || UNESCAPED_COMMANDS.has(command)) return text.replace(/[\r\n]/g, " ");
  let out = text.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/:/g, "\\c");
  out = version === "1.2" ? out.replace(/\r/g, "\\r") : out.replace(/\r/g, " ");
  return out;
}

const encoder = new TextEncoder();

/** One frame as a WebSocket text message; a body gets its content-length in UTF-8 bytes. */
export function encodeFrame(command: string, headers: Array<[string, string]>, body = "", version?: StompVersion): string {
  let text = `${command}\n`;
  for (const [name, value] of headers) text += `${escapeHeader(name, version, command)}:${escapeHeader(value, version, command)}\n`;
  if (body !== "") text += `content-length:${encoder.encode(body).byteLength}\n`;
  return `${text}\n${body}\u0000`;
}
