/**
 * @module close-reply
 * What the room answers to a client's close frame (docs/protocol.md §1). Hibernatable sockets in workerd
 * do not answer by themselves, so the room must, or the client ends with 1006 after ~10 s.
 */
import { CloseCode, MAX_CLOSE_REASON_BYTES, RESERVED_CLOSE_CODES, isSendableCloseCode } from "../shared/close-codes";
import { utf8ByteLength } from "../shared/utf8";

export type CloseReply =
  /** Echo the client's code and reason. */
  | { kind: "echo"; code: number; reason: string }
  /** Close frame without a status (the client sent none: 1005). */
  | { kind: "empty" }
  /** The connection is already gone (1006, 1015): nothing can be sent. */
  | { kind: "none" };

export const INVALID_CLOSE_CODE_REASON = "invalid close code";
export const CLOSE_REASON_TOO_LONG_REASON = "close reason over 123 bytes";

/**
 * workerd reports a close frame without a status as 1005 and a lost connection as 1006 with
 * wasClean false. A frame that literally carries 1005 (we can tell by its reason: a frame
 * without a status has none), 1006 or 1015 arrives clean and is a protocol error.
 * A reason over 123 bytes makes the close frame's payload longer than a control frame may be
 * (RFC 6455 §5.5): workerd still delivers it, so the room answers 1002 instead of echoing it.
 */
export function closeReplyFor(code: number, reason: string, wasClean: boolean): CloseReply {
  if (code === 1005 && reason === "") return { kind: "empty" };
  if (RESERVED_CLOSE_CODES.has(code) && code !== 1005 && !wasClean) return { kind: "none" };
  if (!isSendableCloseCode(code)) return { kind: "echo", code: CloseCode.protocolError, reason: INVALID_CLOSE_CODE_REASON };
  if (utf8ByteLength(reason) > MAX_CLOSE_REASON_BYTES) return { kind: "echo", code: CloseCode.protocolError, reason: CLOSE_REASON_TOO_LONG_REASON };
  return { kind: "echo", code, reason };
}
