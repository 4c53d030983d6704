/**
 * @module refuse-upgrade
 * Answering an upgrade with a close instead of an HTTP error (docs/protocol.md §4): a browser sees only 1006
 * for a refused upgrade and would retry forever, so auth and capacity failures upgrade, then
 * close with a code. The socket is accepted outside hibernation: it never counts toward a room.
 */
import { closeQuietly } from "./shared/close-quietly";

export function refuseUpgrade(code: number, reason: string, subprotocol?: string): Response {
  const [client, server] = Object.values(new WebSocketPair()) as [WebSocket, WebSocket];
  server.accept();
  closeQuietly(server, code, reason);
  // The chosen subprotocol is still echoed: without it a browser fails the handshake (1006).
  const headers = subprotocol ? { "Sec-WebSocket-Protocol": subprotocol } : undefined;
  return new Response(null, { status: 101, webSocket: client, headers });
}
