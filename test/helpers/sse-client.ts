/**
 * @module sse-client
 * A Server-Sent Events reader over Node's fetch streaming, for tests: it records every event
 * and comment as it arrives and waits with messages that say what did not happen.
 * `useSseStreams(gateway)` opens room streams for a file's tests and closes them after.
 */
import { afterAll } from "vitest";
import { DEFAULT_WAIT_MS } from "./clients";
import type { GatewayEndpoint } from "./use-gateway";

export interface SseEvent {
  id?: string;
  event: string;
  data: string;
}

export interface SseStream {
  status: number;
  headers: Headers;
  /** The body when the answer was not a stream (an error). */
  errorBody?: string;
  events: SseEvent[];
  comments: string[];
  /** Resolves when the server ended the stream. */
  ended: Promise<void>;
  waitFor(match: (event: SseEvent) => boolean, what: string, timeoutMs?: number): Promise<SseEvent>;
  waitUntil(check: () => boolean, what: string, timeoutMs?: number): Promise<void>;
  close(): void;
}

const POLL_MS = 10;

function parseBlock(block: string, stream: SseStream): void {
  const event: SseEvent = { event: "message", data: "" };
  const data: string[] = [];
  let hasField = false;
  for (const line of block.split("\n")) {
    if (line.startsWith(":")) {
      stream.comments.push(line.slice(1).trim());
      continue;
    }
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
    if (field === "data") data.push(value);
    else if (field === "id") event.id = value;
    else if (field === "event") event.event = value;
    else continue;
    hasField = true;
  }
  if (hasField && data.length > 0) stream.events.push({ ...event, data: data.join("\n") });
}

/** Opens `url` as an event stream; resolves once the response head arrived. */
export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseStream> {
  const abort = new AbortController();
  const response = await fetch(url, { headers: { Accept: "text/event-stream", ...headers }, signal: abort.signal });
  let endedResolve!: () => void;
  const stream: SseStream = {
    status: response.status,
    headers: response.headers,
    events: [],
    comments: [],
    ended: new Promise<void>((resolve) => (endedResolve = resolve)),
    async waitUntil(check, what, timeoutMs = DEFAULT_WAIT_MS) {
      const deadline = Date.now() + timeoutMs;
      while (!check()) {
        if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${what}; events so far: ${JSON.stringify(stream.events.slice(-5))}`);
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
    },
    async waitFor(match, what, timeoutMs = DEFAULT_WAIT_MS) {
      await stream.waitUntil(() => stream.events.some(match), what, timeoutMs);
      return stream.events.find(match)!;
    },
    close: () => abort.abort(),
  };
  if (response.status !== 200 || !response.body) {
    stream.errorBody = await response.text();
    endedResolve();
    return stream;
  }
  void (async () => {
    const decoder = new TextDecoder();
    let buffer = "";
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true }).replace(/\r\n?/g, "\n");
        let end: number;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          parseBlock(buffer.slice(0, end), stream);
          buffer = buffer.slice(end + 2);
        }
      }
    } catch {
      // Aborted by close().
    }
    endedResolve();
  })();
  return stream;
}

/** Returns `open(room, query, headers)` for `GET /rooms/:room/events`; every stream it opened is closed after the tests. */
export function useSseStreams(gateway: GatewayEndpoint): (room: string, query?: string, headers?: Record<string, string>) => Promise<SseStream> {
  const streams: SseStream[] = [];
  afterAll(() => {
    for (const stream of streams) stream.close();
  });
  return async (room, query = "", headers = {}) => {
    const stream = await openSse(`${gateway.httpUrl}/rooms/${room}/events${query}`, headers);
    streams.push(stream);
    return stream;
  };
}
