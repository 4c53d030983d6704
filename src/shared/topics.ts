/**
 * @module topics
 * Topic filters (docs/protocol.md §3): a filter matches a topic exactly, or as a prefix when it ends in `*`.
 * A connection with no filters receives everything.
 */
import { MAX_TOPIC_LENGTH, MAX_TOPICS_PER_CONNECTION } from "./limits";

export function topicMatches(filter: string, topic: string): boolean {
  if (filter.endsWith("*")) return topic.startsWith(filter.slice(0, -1));
  return filter === topic;
}

/** Whether a message with `topic` (undefined = untopiced) reaches a connection with `filters`. */
export function acceptsTopic(filters: readonly string[], topic: string | undefined): boolean {
  if (filters.length === 0) return true;
  if (topic === undefined) return false;
  for (const filter of filters) if (topicMatches(filter, topic)) return true;
  return false;
}

export function isValidTopic(topic: unknown): topic is string {
  return typeof topic === "string" && topic.length > 0 && topic.length <= MAX_TOPIC_LENGTH;
}

/** Parses `?topics=a,b.*` into a clean list; invalid entries are dropped. */
export function parseTopicList(value: string | null | undefined): string[] {
  if (!value) return [];
  const topics = value
    .split(",")
    .map((topic) => topic.trim())
    .filter(isValidTopic);
  return [...new Set(topics)].slice(0, MAX_TOPICS_PER_CONNECTION);
}
