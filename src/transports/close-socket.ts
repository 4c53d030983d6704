/**
 * @module close-socket
 * Closing a socket from an adapter without ever throwing, and answering a client's close frame
 * on the sockets the Worker accepts itself (STOMP, SockJS websocket).
 * Reasons are cut to 123 bytes and codes no endpoint may send (1005/1006/1015, …) become a
 * plain close.
 */
import { closeReplyFor } from "../room/close-reply";
import { MAX_CLOSE_REASON_BYTES, isSendableCloseCode } from "../shared/close-codes";
import { truncateUtf8 } from "../shared/utf8";

export function closeQuietly(ws: WebSocket, code?: number, reason = ""): void {
  try {
    if (code === undefined || !isSendableCloseCode(code)) ws.close();
    else ws.close(code, truncateUtf8(reason, MAX_CLOSE_REASON_BYTES));
  } catch {
    // Already closed or closing.
  }
}

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
