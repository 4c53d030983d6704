/**
 * @module close-socket
 * Closing a socket from an adapter without ever throwing: a socket the peer (or the runtime,
 * which answers close frames itself) already closed is fine. Reasons are cut to 123 bytes and
 * codes no endpoint may send (1005/1006/1015, …) become a plain close.
 */
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
