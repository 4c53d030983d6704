/**
 * @module stomp-subscriptions
 * A STOMP connection's subscriptions (docs/protocol.md §10), runtime-free. Destination `/topic/NAME` is the
 * room topic NAME (a trailing `*` is a prefix filter, as everywhere in roomcast). Several
 * subscriptions may share a topic filter; the room link subscribes to a filter when its first
 * subscription arrives and unsubscribes when its last one leaves.
 */
import { isValidTopic, topicMatches } from "../../shared/topics";

export const TOPIC_DESTINATION_PREFIX = "/topic/";

export type AckMode = "auto" | "client" | "client-individual";
export const ACK_MODES: ReadonlySet<string> = new Set<AckMode>(["auto", "client", "client-individual"]);

export interface Subscription {
  id: string;
  destination: string;
  topic: string;
  ack: AckMode;
}

/** The room topic of a destination, or null when it is not `/topic/<valid topic>`. */
export function topicOf(destination: string): string | null {
  if (!destination.startsWith(TOPIC_DESTINATION_PREFIX)) return null;
  const topic = destination.slice(TOPIC_DESTINATION_PREFIX.length);
  return isValidTopic(topic) ? topic : null;
}

export function destinationOf(topic: string): string {
  return TOPIC_DESTINATION_PREFIX + topic;
}

export class Subscriptions {
  private readonly byId = new Map<string, Subscription>();
  /** Subscriptions per topic filter: the room link holds each filter once. */
  private readonly filterCounts = new Map<string, number>();

  get(id: string): Subscription | undefined {
    return this.byId.get(id);
  }

  get size(): number {
    return this.byId.size;
  }

  /** Adds a subscription; true when its filter is new (the room link must subscribe to it). */
  add(subscription: Subscription): boolean {
    this.byId.set(subscription.id, subscription);
    const count = this.filterCounts.get(subscription.topic) ?? 0;
    this.filterCounts.set(subscription.topic, count + 1);
    return count === 0;
  }

  /** Removes one; `lastOfFilter` says the room link may unsubscribe from its filter. */
  remove(id: string): { subscription: Subscription; lastOfFilter: boolean } | undefined {
    const subscription = this.byId.get(id);
    if (!subscription) return undefined;
    this.byId.delete(id);
    const count = (this.filterCounts.get(subscription.topic) ?? 1) - 1;
    if (count > 0) this.filterCounts.set(subscription.topic, count);
    else this.filterCounts.delete(subscription.topic);
    return { subscription, lastOfFilter: count === 0 };
  }

  /** Every subscription a message on `topic` goes to. */
  matching(topic: string): Subscription[] {
    const found: Subscription[] = [];
    for (const subscription of this.byId.values()) if (topicMatches(subscription.topic, topic)) found.push(subscription);
    return found;
  }
}
