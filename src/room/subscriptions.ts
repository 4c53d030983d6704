/**
 * @module subscriptions
 * Applying subscribe/unsubscribe frames to a connection's topic filters, with the limits on
 * topic length, count and total length (docs/protocol.md §3 "Topics").
 */
import { topicsBudgetProblem } from "../shared/socket-budget";
import { MAX_TOPIC_LENGTH } from "../shared/limits";
import { isValidTopic } from "../shared/topics";

export type SubscriptionResult = { ok: true; topics: string[]; added: string[] } | { ok: false; message: string };

export function applySubscribe(current: readonly string[], requested: readonly string[]): SubscriptionResult {
  const invalid = requested.find((topic) => !isValidTopic(topic));
  if (invalid !== undefined) return { ok: false, message: `topics must be 1–${MAX_TOPIC_LENGTH} characters` };
  const added = [...new Set(requested)].filter((topic) => !current.includes(topic));
  const topics = [...current, ...added];
  // Count and total length: the list lives in the socket's attachment (socket-budget.ts).
  const problem = topicsBudgetProblem(topics);
  if (problem !== undefined) return { ok: false, message: problem };
  return { ok: true, topics, added };
}

export function applyUnsubscribe(current: readonly string[], requested: readonly string[]): SubscriptionResult {
  const remove = new Set(requested);
  return { ok: true, topics: current.filter((topic) => !remove.has(topic)), added: [] };
}
