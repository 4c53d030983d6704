/**
 * @module close-socket
 * Answering a client's close frame on the sockets the Worker accepts itself (STOMP, SockJS
 * websocket), with the rule the room uses. Closing itself is shared/close-quietly.ts.
 */
import { closeReplyFor } from "../shared/close-reply";
import { closeQuietly } from "../shared/close-quietly";

/**
 * Accepts the Worker's end of a client socket in half-open mode. Since compatibility date
 * 2026-04-07 (`web_socket_auto_reply_to_close`) workerd otherwise answers a client's close frame
 * itself, before the close event, by echoing it: a reason over 123 bytes or a code no endpoint
 * may send (1004, 1005 on the wire, …) would then be echoed instead of answered 1002 (docs/protocol.md §1).
 * Half-open leaves the answer to `answerClientClose`, the same rule the room uses.
 */
export function acceptAnsweringCloses(ws: WebSocket): void {
  ws.accept({ allowHalfOpen: true });
}

/** Answers the client's close frame on a socket accepted by `acceptAnsweringCloses` (call from its close event). */
export function answerClientClose(ws: WebSocket, event: CloseEvent): void {
  const reply = closeReplyFor(event.code, event.reason, event.wasClean);
  if (reply.kind === "echo") closeQuietly(ws, reply.code, reply.reason);
  else if (reply.kind === "empty") closeQuietly(ws);
  // "none": the connection is already gone, nothing can be sent.
}
