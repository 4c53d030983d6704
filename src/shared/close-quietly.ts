/**
 * @module close-quietly
 * The one way server code closes a socket (the partyserver `closeQuietly` pattern): it never
 * throws into the caller, so one failed peer cannot stop a fan-out or crash a room or an adapter.
 * A code no endpoint may send (1005/1006/1015, …) becomes a plain close, where `ws.close` would
 * throw and leave the socket open; a reason is cut to 123 UTF-8 bytes, where a longer one throws.
 * Runtime-free (a structural socket type), so unit tests run it in Node.
 */
import { isSendableCloseCode } from "./close-codes";
import type { NamedClose } from "./closes";
import { MAX_CLOSE_REASON_BYTES } from "./limits";
import { truncateUtf8 } from "./utf8";

/** What closing needs of a socket (a WebSocket, or a test double). */
export interface Closable {
  close(code?: number, reason?: string): void;
}

/** Closes `ws` with `code` and `reason` (a plain close without a code); never throws. */
export function closeQuietly(ws: Closable, code?: number, reason = ""): void {
  try {
    if (code === undefined || !isSendableCloseCode(code)) ws.close();
    else ws.close(code, truncateUtf8(reason, MAX_CLOSE_REASON_BYTES));
  } catch {
    // Already closed or closing: nothing left to tell this peer.
  }
}

/** Closes `ws` with a named close (closes.ts); never throws. */
export function closeWith(ws: Closable, close: NamedClose): void {
  closeQuietly(ws, close.code, close.reason);
}
