/**
 * @module outbound-frames
 * The frames the SDK sends, encoded and checked by shared/protocol/encode-client.ts. A frame the
 * room would close the connection for (1007, a stop code) fails the one call instead, with a
 * `bad_request` RoomClientError.
 */
import { encodeDirectRequest, encodePresenceState, encodePublish, topicProblem, type EncodeResult } from "../shared/protocol";
import { RoomClientError } from "./events";

function sendable(result: EncodeResult): string {
  if (!result.ok) throw new RoomClientError("bad_request", result.reason);
  return result.text;
}

export function checkTopic(topic: string): void {
  const problem = topicProblem(topic);
  if (problem) throw new RoomClientError("bad_request", problem);
}

export function publishFrame(data: unknown, topic: string | undefined, id: string): string {
  return sendable(encodePublish(data, topic, id));
}

export function directFrame(to: string, data: unknown): string {
  return sendable(encodeDirectRequest(to, data));
}

/** Presence state: `undefined` means "no state" and is sent as null. */
export function presenceFrame(state: unknown): string {
  return sendable(encodePresenceState(state));
}
