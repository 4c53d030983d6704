/**
 * @module socket
 * The slice of the standard WebSocket API the SDK uses, typed structurally so the same code
 * type-checks against DOM, Node 22 (undici) and workers-types, and runs on each one's global.
 */

/** `WebSocket.OPEN`, spelled out because not every typing exposes the static constants. */
export const SOCKET_OPEN = 1;

export interface SocketMessageEvent {
  data: unknown;
}

export interface SocketCloseEvent {
  code: number;
  reason: string;
}

export interface SocketLike {
  readonly readyState: number;
  binaryType: string;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: "open" | "error", listener: () => void): void;
  addEventListener(type: "message", listener: (event: SocketMessageEvent) => void): void;
  addEventListener(type: "close", listener: (event: SocketCloseEvent) => void): void;
}

export type SocketConstructor = new (url: string, protocols?: string[]) => SocketLike;

/** The platform's WebSocket (browsers, Node ≥ 22, Deno, Bun, Workers), or a clear error. */
export function platformWebSocket(override?: SocketConstructor): SocketConstructor {
  if (override) return override;
  const candidate = (globalThis as { WebSocket?: unknown }).WebSocket;
  if (typeof candidate !== "function") {
    throw new Error("roomcast/client needs a global WebSocket (browsers, Node ≥ 22) or the WebSocket option");
  }
  return candidate as SocketConstructor;
}
