/**
 * @module stomp-message-frame
 * A room message as a STOMP MESSAGE frame (docs/protocol.md §10), runtime-free: `message-id` = seq,
 * `destination` = `/topic/<topic>`, string data as text/plain, anything else as JSON.
 */
import type { MessageFrame } from "../../shared/protocol";
import { encodeFrame, type StompVersion } from "./frame";
import { destinationOf, type Subscription } from "./subscriptions";

export function encodeMessage(message: MessageFrame & { topic: string }, subscription: Subscription, version: StompVersion | undefined): string {
  const text = typeof message.data === "string";
  const headers: Array<[string, string]> = [
    ["subscription", subscription.id],
    ["message-id", String(message.seq)],
    ["destination", destinationOf(message.topic)],
    ["content-type", text ? "text/plain;charset=utf-8" : "application/json"],
  ];
  // STOMP 1.2: a subscription that acknowledges explicitly needs an `ack` value to send back.
  if (subscription.ack !== "auto" && version === "1.2") headers.push(["ack", String(message.seq)]);
  if (message.snapshot) headers.push(["snapshot", "true"]);
  return encodeFrame("MESSAGE", headers, text ? (message.data as string) : JSON.stringify(message.data), version);
}
