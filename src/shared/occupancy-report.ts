/**
 * @module occupancy-report
 * What a room puts on the occupancy queue (docs/operations.md): one report per flush, with the
 * room's counts after it and the transitions it decided (occupancy-events.ts). A report without
 * events is a counts refresh for the directory only. The report's `n` is its last event's
 * number (or its own for a refresh), from the same per-room sequence as the events, so the
 * directory keeps the report with the highest `n` and can never go back. Runtime-free: the room
 * (producer) and the Worker's consumer share it.
 */
import { isOccupancyEventType, type OccupancyEvent } from "./occupancy-events";

export interface OccupancyReport {
  room: string;
  /** Highest event number in this report (a refresh takes a number of its own). */
  n: number;
  /** When the room made the report, ms since the epoch. */
  ts: number;
  /** Live connections and distinct users in the logical room after the report (0 once vacated). */
  connections: number;
  users: number;
  /** Since when the room is occupied, ms since the epoch (the directory's `since`); 0 once vacated. */
  since: number;
  /** The transitions, in `n` order; empty for a counts refresh. */
  events: OccupancyEvent[];
}

const isCount = (value: unknown): value is number => typeof value === "number" && Number.isSafeInteger(value) && value >= 0;

function isEvent(value: unknown): value is OccupancyEvent {
  if (typeof value !== "object" || value === null) return false;
  const event = value as Partial<OccupancyEvent>;
  return (
    typeof event.id === "string" &&
    isOccupancyEventType(event.type) &&
    typeof event.room === "string" &&
    isCount(event.n) &&
    isCount(event.ts) &&
    isCount(event.connections) &&
    isCount(event.users) &&
    (event.userId === undefined || typeof event.userId === "string")
  );
}

/** The report in a queue message's body, or undefined when the body is not one. */
export function readOccupancyReport(body: unknown): OccupancyReport | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const report = body as Partial<OccupancyReport>;
  const valid =
    typeof report.room === "string" &&
    isCount(report.n) &&
    isCount(report.ts) &&
    isCount(report.connections) &&
    isCount(report.users) &&
    isCount(report.since) &&
    Array.isArray(report.events) &&
    report.events.every(isEvent);
  return valid ? (report as OccupancyReport) : undefined;
}
