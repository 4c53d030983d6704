/**
 * @module sockjs-raw-bridge
 * SockJS sessions behave as raw mode (docs/protocol.md §10) over the bridge's own `roomcast.v1` room link:
 * each text a client sends is published as `{"type":"publish","data":"<text>"}` (string data
 * reaches raw clients as-is), and each room message comes back as raw text (string data as-is,
 * other data as JSON). As on a raw connection there are no error frames: a publish the room
 * refuses (token without `publish`, rate limit) is dropped, and only closes are passed on.
 * Shared by the websocket transport (in the Worker) and the HTTP transports (SockjsSession).
 */
import type { ServerFrame } from "../../shared/protocol";
import { Close } from "../../shared/closes";
import { utf8ByteLength } from "../../shared/utf8";
import type { RoomLink } from "../room-link";
import { rawText } from "./framing";

/** Raw texts a room frame carries to a SockJS client (a batch is unpacked, in seq order). */
export function rawTextsOf(frame: ServerFrame): string[] {
  switch (frame.type) {
    case "message":
    case "direct":
      return [rawText(frame.data)];
    case "batch":
      return frame.messages.map((message) => rawText(message.data));
    default:
      return []; // welcome, presence, ack, pong, error: raw connections get none of these.
  }
}

export type RelayResult = { ok: true } | { ok: false; code: number; reason: string };

/**
 * Publishes what a client sent. A text over MAX_MESSAGE_BYTES ends the session with 1009, as
 * an oversized raw frame would; nothing after it is sent.
 */
export function relayClientTexts(link: RoomLink, texts: readonly string[], maxMessageBytes: number): RelayResult {
  for (const text of texts) {
    if (utf8ByteLength(text) > maxMessageBytes) return { ok: false, ...Close.messageTooBig(maxMessageBytes) };
    link.send({ type: "publish", data: text });
  }
  return { ok: true };
}
