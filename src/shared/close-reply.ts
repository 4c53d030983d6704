/**
 * @module close-reply
 * What a server endpoint answers to a client's close frame (docs/protocol.md §1): the room and
 * the sockets the Worker accepts itself (transports/close-socket.ts) use this one rule.
 * Hibernatable sockets in workerd do not answer by themselves, so the room must, or the client
 * ends with 1006 after ~10 s. Runtime-free.
 */
import { RESERVED_CLOSE_CODES, isSendableCloseCode } from "./close-codes";
import { Close } from "./closes";
import { MAX_CLOSE_REASON_BYTES } from "./limits";
import { utf8ByteLength } from "./utf8";

export type CloseReply =
  /** Echo the client's code and reason. */
  | { kind: "echo"; code: number; reason: string }
  /** Close frame without a status (the client sent none: 1005). */
  | { kind: "empty" }
  /** The connection is already gone (1006, 1015): nothing can be sent. */
  | { kind: "none" };

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
  if (!isSendableCloseCode(code)) return { kind: "echo", ...Close.invalidCloseCode };
  if (utf8ByteLength(reason) > MAX_CLOSE_REASON_BYTES) return { kind: "echo", ...Close.closeReasonTooLong };
  return { kind: "echo", code, reason };
}
