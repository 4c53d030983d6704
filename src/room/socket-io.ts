/**
 * @module socket-io
 * Sending and closing that never throws into the caller: one failed peer must not stop a
 * fan-out or crash the room (the partyserver `closeQuietly` pattern).
 */
import { MAX_CLOSE_REASON_BYTES } from "../shared/close-codes";
import { truncateUtf8 } from "../shared/utf8";

/** Closes `ws`, ignoring a socket that is already closing. Reasons are cut to 123 bytes (a longer one throws). */
export function closeQuietly(ws: WebSocket, code?: number, reason?: string): void {
  try {
    if (code === undefined) ws.close();
    else ws.close(code, truncateUtf8(reason ?? "", MAX_CLOSE_REASON_BYTES));
  } catch {
    // Already closed or closing: nothing left to tell this peer.
  }
}
