/**
 * @module client-frames
 * Client → room frames, checked before they leave. The room closes a connection with 1007 — a
 * stop code — for a frame without a valid shape, so a bad argument (undefined data, an empty
 * topic, data JSON cannot hold) must fail here, on that one call, instead of ending the client.
 */
import { MAX_FRAME_ID_LENGTH, type ClientFrame } from "../shared/protocol";
import { isValidTopic, MAX_TOPIC_LENGTH } from "../shared/topics";
import { RoomClientError } from "./events";

/** JSON text of a frame whose `field` must survive serialization; throws a bad_request error otherwise. */
function encodeChecked(frame: ClientFrame, value: unknown, field: string): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value) === undefined ? undefined : JSON.stringify(frame);
  } catch (error) {
    throw new RoomClientError("bad_request", `${field} cannot be sent as JSON: ${(error as Error).message}`);
  }
  if (text === undefined) throw new RoomClientError("bad_request", `${field} cannot be sent as JSON (undefined, a function or a symbol)`);
  return text;
}

export function checkTopic(topic: string): void {
  if (!isValidTopic(topic)) throw new RoomClientError("bad_request", `a topic is a string of 1–${MAX_TOPIC_LENGTH} characters, got ${JSON.stringify(topic)}`);
}

export function publishFrame(data: unknown, topic: string | undefined, id: string): string {
  if (topic !== undefined) checkTopic(topic);
  return encodeChecked({ type: "publish", data, id, ...(topic === undefined ? {} : { topic }) }, data, "publish data");
}

export function directFrame(to: string, data: unknown): string {
  if (typeof to !== "string" || to.length === 0 || to.length > MAX_FRAME_ID_LENGTH) {
    throw new RoomClientError("bad_request", `direct needs a connection id of 1–${MAX_FRAME_ID_LENGTH} characters`);
  }
  return encodeChecked({ type: "direct", to, data }, data, "direct data");
}

/** Presence state: `undefined` means "no state" and is sent as null. */
export function presenceFrame(state: unknown): string {
  const value = state === undefined ? null : state;
  return encodeChecked({ type: "presence", state: value }, value, "presence state");
}
