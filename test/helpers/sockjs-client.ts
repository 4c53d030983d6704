/**
 * @module sockjs-client
 * The stock `sockjs-client` against the real gateway. It runs in Node as published: its Node
 * drivers do XHR over node:http, websocket over faye-websocket and eventsource over the
 * `eventsource` package, so each transport is the real one, forced with `transports`.
 */
import SockJS from "sockjs-client";
import { DEFAULT_WAIT_MS, withTimeout } from "./clients";
import { waitUntil } from "./sdk";

export type SockjsTransport = "websocket" | "xhr-streaming" | "xhr-polling" | "eventsource";

export interface SockjsTestClient {
  sock: WebSocket;
  messages: string[];
  closed: Promise<{ code: number; reason: string }>;
  waitForMessage(text: string, timeoutMs?: number): Promise<void>;
}

/** Opens a SockJS session on `transport` only and resolves once it is open. */
export async function openSockjs(baseUrl: string, transport: SockjsTransport): Promise<SockjsTestClient> {
  const sock = new SockJS(baseUrl, undefined, { transports: [transport] });
  const messages: string[] = [];
  sock.onmessage = (event: MessageEvent) => messages.push(String(event.data));
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    sock.addEventListener("close", (event) => resolve({ code: (event as CloseEvent).code, reason: (event as CloseEvent).reason }));
  });
  await withTimeout(
    new Promise<void>((resolve, reject) => {
      sock.onopen = () => resolve();
      void closed.then(({ code, reason }) => reject(new Error(`SockJS closed ${code} ${reason} before open`)));
    }),
    DEFAULT_WAIT_MS,
    `SockJS ${transport} session to ${baseUrl} did not open`,
  );
  return {
    sock: sock as unknown as WebSocket,
    messages,
    closed,
    waitForMessage: (text, timeoutMs = DEFAULT_WAIT_MS) =>
      waitUntil(() => messages.includes(text), `SockJS message ${JSON.stringify(text)}`, timeoutMs, () => `got ${JSON.stringify(messages.slice(-5))}`),
  };
}
