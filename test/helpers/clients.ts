/**
 * @module clients
 * Real `ws` clients for tests, with waits that time out saying what did not happen.
 */
import WebSocket, { type RawData } from "ws";

export const DEFAULT_WAIT_MS = 10_000;

export interface Received {
  data: string | Buffer;
  isBinary: boolean;
}

export interface TestClient {
  ws: WebSocket;
  received: Received[];
  /** Text frames received so far, parsed as JSON where `v1` was chosen. */
  texts(): string[];
  nextMessage(what?: string, timeoutMs?: number): Promise<Received>;
  waitForCount(count: number, what?: string, timeoutMs?: number): Promise<void>;
  closed: Promise<{ code: number; reason: string }>;
  close(code?: number, reason?: string): void;
}

export interface ConnectOptions {
  protocols?: string | string[];
  headers?: Record<string, string>;
  origin?: string;
}

function toReceived(data: RawData, isBinary: boolean): Received {
  const buffer = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
  return isBinary ? { data: buffer, isBinary } : { data: buffer.toString("utf8"), isBinary };
}

export function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms: ${what}`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Opens a client and resolves once it is open (rejects with the HTTP status otherwise). */
export async function connect(url: string, options: ConnectOptions = {}): Promise<TestClient> {
  const ws = new WebSocket(url, options.protocols ?? [], { headers: options.headers, origin: options.origin });
  const received: Received[] = [];
  const waiters: Array<() => void> = [];
  let readIndex = 0;
  ws.on("message", (data, isBinary) => {
    received.push(toReceived(data, isBinary));
    for (const wake of waiters.splice(0)) wake();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolveClose) => {
    ws.on("close", (code, reason) => {
      resolveClose({ code, reason: reason.toString("utf8") });
      for (const wake of waiters.splice(0)) wake();
    });
  });
  await withTimeout(
    new Promise<void>((resolveOpen, reject) => {
      ws.once("open", () => resolveOpen());
      ws.once("unexpected-response", (_req, res) => reject(new Error(`upgrade refused with HTTP ${res.statusCode}`)));
      ws.once("error", reject);
    }),
    DEFAULT_WAIT_MS,
    `WebSocket to ${url} did not open`,
  );
  const waitFor = async (ready: () => boolean, what: string, timeoutMs: number) => {
    while (!ready()) {
      if (ws.readyState === WebSocket.CLOSED) throw new Error(`connection closed while waiting: ${what}`);
      await withTimeout(new Promise<void>((wake) => waiters.push(wake)), timeoutMs, what);
    }
  };
  return {
    ws,
    received,
    texts: () => received.filter((r) => !r.isBinary).map((r) => r.data as string),
    async nextMessage(what = "next message", timeoutMs = DEFAULT_WAIT_MS) {
      await waitFor(() => received.length > readIndex, what, timeoutMs);
      return received[readIndex++]!;
    },
    async waitForCount(count, what = `${count} messages`, timeoutMs = DEFAULT_WAIT_MS) {
      await waitFor(() => received.length >= count, `${what} (got ${received.length})`, timeoutMs);
    },
    closed,
    close: (code?: number, reason?: string) => ws.close(code, reason),
  };
}

export async function expectClose(client: TestClient, what: string, timeoutMs = DEFAULT_WAIT_MS) {
  return withTimeout(client.closed, timeoutMs, `connection was not closed: ${what}`);
}

/** Resolves after `ms`; for "nothing else arrives" checks only, never to wait for an event. */
export function settle(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export type Frame = Record<string, any> & { type: string };

/** Parsed JSON text frames of a roomcast.v1 client (the runtime's plain `pong` is skipped). */
export function framesOf(client: TestClient): Frame[] {
  return client.texts().flatMap((text) => {
    try {
      return [JSON.parse(text) as Frame];
    } catch {
      return [];
    }
  });
}

/** Waits until a frame matching `match` has arrived and returns the first such frame. */
export async function waitForFrame(client: TestClient, match: (frame: Frame) => boolean, what: string, timeoutMs = DEFAULT_WAIT_MS): Promise<Frame> {
  let found: Frame | undefined;
  const deadline = Date.now() + timeoutMs;
  while (!(found = framesOf(client).find(match))) {
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms: ${what}; frames so far: ${client.texts().slice(-5).join(" | ")}`);
    await client.waitForCount(client.received.length + 1, what, left).catch((error: Error) => {
      if (!/timed out/.test(error.message)) throw error;
    });
  }
  return found;
}

/** Opens a roomcast.v1 client and returns it with its welcome frame. */
export async function connectV1(url: string, options: ConnectOptions = {}): Promise<{ client: TestClient; welcome: Frame }> {
  const client = await connect(url, { ...options, protocols: ["roomcast.v1", ...[options.protocols ?? []].flat()] });
  const welcome = await waitForFrame(client, (frame) => frame.type === "welcome", "welcome frame");
  return { client, welcome };
}
