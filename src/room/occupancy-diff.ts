/**
 * @module occupancy-diff
 * The pure half of a room's occupancy reporting (occupancy.ts): which transitions take the room
 * from what receivers were last told (the announced users) to what it holds now, and the report
 * that carries them (shared/occupancy-report.ts). Diffing states instead of counting each
 * connect and close makes one code path serve live changes, a wake after hibernation and the
 * recount after a crash: whatever was lost, the next diff says what changed since the last report.
 */
import type { OccupancyEvent, OccupancyEventType } from "../shared/occupancy-events";
import type { OccupancyReport } from "../shared/occupancy-report";

/** The room as it is now: live connections and their users (an anonymous connection is its own user). */
export interface OccupancyTruth {
  connections: number;
  users: ReadonlySet<string>;
}

export interface Transition {
  type: OccupancyEventType;
  userId?: string;
}

/** Occupied first, then members gone, then members new, then vacated: each state change once. */
export function transitionsBetween(announced: ReadonlySet<string>, now: ReadonlySet<string>): Transition[] {
  const transitions: Transition[] = [];
  if (announced.size === 0 && now.size > 0) transitions.push({ type: "room_occupied" });
  for (const userId of announced) if (!now.has(userId)) transitions.push({ type: "member_removed", userId });
  for (const userId of now) if (!announced.has(userId)) transitions.push({ type: "member_added", userId });
  if (announced.size > 0 && now.size === 0) transitions.push({ type: "room_vacated" });
  return transitions;
}

export interface ReportParts {
  room: string;
  ts: number;
  truth: OccupancyTruth;
  /** Since when the room is occupied (0 when it is not). */
  since: number;
  transitions: readonly Transition[];
  /** The room's next event number (strictly increasing). */
  nextN(): number;
  newId(): string;
}

/** The report of one flush: every event carries the room's counts after the flush. */
export function buildReport(parts: ReportParts): OccupancyReport {
  const { room, ts, truth } = parts;
  const connections = truth.connections;
  const users = truth.users.size;
  const events: OccupancyEvent[] = parts.transitions.map((transition) => ({
    id: parts.newId(),
    type: transition.type,
    room,
    n: parts.nextN(),
    ts,
    connections,
    users,
    ...(transition.userId === undefined ? {} : { userId: transition.userId }),
  }));
  const n = events.length > 0 ? events[events.length - 1]!.n : parts.nextN();
  return { room, n, ts, connections, users, since: parts.since, events };
}

/**
 * The report cut into reports of at most `maxBytes` of JSON each (a queue message is at most
 * 128 KB): every piece has the final counts and its own last event's `n`, so whichever piece
 * the directory applies last, the highest `n` (the last piece) decides.
 */
export function splitReport(report: OccupancyReport, maxBytes: number): OccupancyReport[] {
  const size = (value: unknown) => JSON.stringify(value).length;
  if (size(report) <= maxBytes) return [report];
  const base = size({ ...report, events: [] });
  const pieces: OccupancyReport[] = [];
  let events: OccupancyEvent[] = [];
  let bytes = base;
  const close = () => {
    if (events.length === 0) return;
    pieces.push({ ...report, n: events[events.length - 1]!.n, events });
    events = [];
    bytes = base;
  };
  for (const event of report.events) {
    const eventBytes = size(event) + 1;
    if (bytes + eventBytes > maxBytes) close();
    events.push(event);
    bytes += eventBytes;
  }
  close();
  return pieces;
}
