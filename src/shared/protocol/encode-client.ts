/**
 * @module encode-client
 * Encoding of client → room `roomcast.v1` frames (docs/protocol.md §3), checked before they leave.
 * The room closes a connection with 1007 — a stop code — for a frame without a valid shape, so a
 * bad argument (undefined data, an empty topic, data JSON cannot hold) is refused here with a
 * reason instead; the SDK turns that into a `bad_request` error on the one call (client/outbound-frames.ts).
 */
import { MAX_FRAME_ID_LENGTH, MAX_TOPIC_LENGTH } from "../limits";
import { isValidTopic } from "../topics";
import type { ClientFrame } from "./types";

/** The frame's JSON text, or why it cannot be sent. */
export type EncodeResult = { ok: true; text: string } | { ok: false; reason: string };

/** JSON text of a frame whose `field` must survive serialization. */
function encodeChecked(frame: ClientFrame, value: unknown, field: string): EncodeResult {
  let text: string | undefined;
  try {
    text = JSON.stringify(value) === undefined ? undefined : JSON.stringify(frame);
  } catch (error) {
    return { ok: false, reason: `${field} cannot be sent as JSON: ${(error as Error).message}` };
  }
  if (text === undefined) return { ok: false, reason: `${field} cannot be sent as JSON (undefined, a function or a symbol)` };
  return { ok: true, text };
}

/** Why `topic` is not a topic the room accepts, or undefined when it is one. */
export function topicProblem(topic: string): string | undefined {
  return isValidTopic(topic) ? undefined : `a topic is a string of 1–${MAX_TOPIC_LENGTH} characters, got ${JSON.stringify(topic)}`;
}

export function encodePublish(data: unknown, topic: string | undefined, id: string): EncodeResult {
  const problem = topic === undefined ? undefined : topicProblem(topic);
  if (problem) return { ok: false, reason: problem };
  return encodeChecked({ type: "publish", data, id, ...(topic === undefined ? {} : { topic }) }, data, "publish data");
}

export function encodeDirectRequest(to: string, data: unknown): EncodeResult {
  if (typeof to !== "string" || to.length === 0 || to.length > MAX_FRAME_ID_LENGTH) {
    return { ok: false, reason: `direct needs a connection id of 1–${MAX_FRAME_ID_LENGTH} characters` };
  }
  return encodeChecked({ type: "direct", to, data }, data, "direct data");
}

/** Presence state: `undefined` means "no state" and is sent as null. */
export function encodePresenceState(state: unknown): EncodeResult {
  const value = state === undefined ? null : state;
  return encodeChecked({ type: "presence", state: value }, value, "presence state");
}

/** An in-band token refresh (the SDK's token-refresh.ts); the room answers `ack` or an error with `id`. */
export function encodeAuth(token: string, id: string): EncodeResult {
  if (typeof token !== "string" || token.length === 0) return { ok: false, reason: "auth needs a non-empty token string" };
  return { ok: true, text: JSON.stringify({ type: "auth", token, id }) };
}
