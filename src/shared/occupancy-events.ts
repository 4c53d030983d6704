/**
 * @module occupancy-events
 * The occupancy events of docs/protocol.md §11, as rooms enqueue them and webhooks deliver them.
 * Runtime-free: the room (producer), the Worker's queue consumer (directory and webhooks) and
 * the server SDK (`verifyWebhook`) read the same shape.
 */

export const OCCUPANCY_EVENT_TYPES = ["room_occupied", "room_vacated", "member_added", "member_removed"] as const;
export type OccupancyEventType = (typeof OCCUPANCY_EVENT_TYPES)[number];

export interface OccupancyEvent {
  /** Unique per event, stable across redeliveries: receivers dedupe on it. */
  id: string;
  type: OccupancyEventType;
  room: string;
  /** Per-room event number: strictly increasing across every event the logical room emits. */
  n: number;
  /** When the room decided the transition, ms since the epoch. */
  ts: number;
  /** Live connections in the logical room (every shard) after the transition. */
  connections: number;
  /** Distinct users (by user id; anonymous connections count one each) after the transition. */
  users: number;
  /** The user who came or went (member_added / member_removed only). */
  userId?: string;
}

/** A webhook request's body. */
export interface WebhookBody {
  events: OccupancyEvent[];
}

export function isOccupancyEventType(value: unknown): value is OccupancyEventType {
  return typeof value === "string" && (OCCUPANCY_EVENT_TYPES as readonly string[]).includes(value);
}
