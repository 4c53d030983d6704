/**
 * @module stomp-client
 * The stock `@stomp/stompjs` Client against the real gateway, on Node 22's global WebSocket,
 * with everything it reports recorded and waits that say what did not happen.
 */
import { Client, type IFrame, type IMessage } from "@stomp/stompjs";
import { DEFAULT_WAIT_MS, withTimeout } from "./clients";
import { waitUntil } from "./sdk";

export interface StompTestClient {
  client: Client;
  connected: IFrame;
  messages: IMessage[];
  errors: IFrame[];
  debug: string[];
  closed: Promise<{ code: number; reason: string }>;
  waitForMessages(count: number, what: string, timeoutMs?: number): Promise<void>;
}

export interface StompOptions {
  connectHeaders?: Record<string, string>;
  heartbeatIncoming?: number;
  heartbeatOutgoing?: number;
}

/** Connects and resolves with CONNECTED; never reconnects (a test wants to see each close). */
export async function connectStomp(brokerURL: string, options: StompOptions = {}): Promise<StompTestClient> {
  const messages: IMessage[] = [];
  const errors: IFrame[] = [];
  const debug: string[] = [];
  let closedResolve!: (value: { code: number; reason: string }) => void;
  const closed = new Promise<{ code: number; reason: string }>((resolve) => (closedResolve = resolve));
  const client = new Client({
    brokerURL,
    reconnectDelay: 0,
    heartbeatIncoming: options.heartbeatIncoming ?? 0,
    heartbeatOutgoing: options.heartbeatOutgoing ?? 0,
    connectHeaders: options.connectHeaders ?? {},
    debug: (line) => debug.push(line),
  });
  client.onStompError = (frame) => errors.push(frame);
  client.onWebSocketClose = (event: CloseEvent) => closedResolve({ code: event.code, reason: event.reason });
  const connected = withTimeout(
    new Promise<IFrame>((resolve, reject) => {
      client.onConnect = resolve;
      void closed.then(({ code, reason }) => reject(new Error(`closed ${code} ${reason} before CONNECTED`)));
    }),
    DEFAULT_WAIT_MS,
    `STOMP CONNECTED from ${brokerURL}`,
  );
  client.activate();
  return {
    client,
    connected: await connected,
    messages,
    errors,
    debug,
    closed,
    waitForMessages: (count, what, timeoutMs = DEFAULT_WAIT_MS) =>
      waitUntil(() => messages.length >= count, what, timeoutMs, () => `got ${messages.map((m) => m.body).join(" | ")}`),
  };
}

/** Subscribes, recording into `messages`, and resolves once the gateway's RECEIPT says it is active. */
export async function subscribeWithReceipt(stomp: StompTestClient, destination: string, receipt: string): Promise<void> {
  const done = new Promise<void>((resolve) => stomp.client.watchForReceipt(receipt, () => resolve()));
  stomp.client.subscribe(destination, (message) => stomp.messages.push(message), { receipt });
  await withTimeout(done, DEFAULT_WAIT_MS, `RECEIPT ${receipt} for SUBSCRIBE ${destination}`);
}
