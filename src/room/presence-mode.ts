/**
 * @module presence-mode
 * Lists or counts (docs/protocol.md §8: "one presence list, or counts above a size"). Up to
 * `presenceListMaxMembers` connections a room lists its members: welcomes carry the list and
 * every v1 socket gets batched join/leave/update diffs. Above it the room counts: welcomes carry
 * `memberCount`/`userCount` and no list, and v1 sockets get a count frame at most once per
 * PRESENCE_COUNT_INTERVAL_MS, only when the counts changed. A connect storm then costs O(n)
 * small frames instead of O(n²) member diffs, and no welcome carries a long list.
 *
 * Hysteresis: a room switches to counts when it holds more than max connections, and back to
 * lists only once it holds at most `listResumeMembers(max)` = max − max(1, ⌈max/10⌉) (100 → 90,
 * 5 → 4), so a room hovering at the boundary does not resend its whole list on every join/leave.
 *
 * Pure decision logic, shared by a whole room (room.ts) and a sharded room's primary
 * (sharded-primary.ts); the caller owns the batch, the timer and the sockets. Runtime-free (unit
 * tests load it). Nothing here is durable: after a wake the mode is derived from the count again
 * (inside the hysteresis band a woken room counts, the cheaper guess; the first flush says so).
 */
import type { PresenceCounts } from "../shared/protocol";

/** Delay that batches joins, leaves and updates into one presence frame. */
export const PRESENCE_FLUSH_MS = 25;
/** Least time between two count frames of one room. */
export const PRESENCE_COUNT_INTERVAL_MS = 1_000;

export type PresenceMode = "list" | "counts";

/** What the next flush sends to every v1 socket. */
export type PresenceFlush =
  /** The batched diff: every socket holds the list already. */
  | "diff"
  /** The whole list: back from counts, or a change the diff batch did not record. */
  | "list"
  /** A count frame. */
  | "counts"
  | "none";

/** How many connections a counting room must drop to before it lists again. */
export function listResumeMembers(maxMembers: number): number {
  return maxMembers - Math.max(1, Math.ceil(maxMembers / 10));
}

export class PresenceModeTracker {
  private mode: PresenceMode | undefined;
  /** What every v1 socket was last told (welcomes or flushes). */
  private announced: PresenceMode | undefined;
  private lastCounts: PresenceCounts | undefined;
  private lastCountsAtMs = Number.NEGATIVE_INFINITY;
  /** A welcome told a socket another mode than the others were told: the next flush announces. */
  private announceDue = false;
  /** A change went unrecorded in the diff batch (the room was counting): a diff would be wrong. */
  private listStale = false;

  constructor(readonly maxMembers: number) {}

  /** The mode as last decided; undefined until the first decision after a wake. */
  get current(): PresenceMode | undefined {
    return this.mode;
  }

  /** Decides the mode for a room of `memberCount` connections (with hysteresis) and keeps it. */
  modeFor(memberCount: number): PresenceMode {
    if (memberCount > this.maxMembers) this.mode = "counts";
    else if (memberCount <= listResumeMembers(this.maxMembers)) this.mode = "list";
    else this.mode ??= "counts";
    this.announced ??= this.mode;
    return this.mode;
  }

  /** A welcome in `mode` went out. */
  welcomed(mode: PresenceMode): void {
    if (mode !== this.announced) this.announceDue = true;
  }

  /** A join, leave or state update happened while counting and was not put in the diff batch. */
  unrecordedChange(): void {
    this.listStale = true;
  }

  /** What to send now for a room with these counts; records it as sent. */
  flush(counts: PresenceCounts, batchIsEmpty: boolean, nowMs: number): PresenceFlush {
    const mode = this.modeFor(counts.memberCount);
    const announced = this.announced;
    const due = this.announceDue;
    const stale = this.listStale;
    this.announceDue = false;
    this.listStale = false;
    this.announced = mode;
    if (mode === "list") {
      this.lastCounts = undefined;
      if (announced === "counts" || due || stale) return "list";
      return batchIsEmpty ? "none" : "diff";
    }
    const changed = this.lastCounts === undefined || this.lastCounts.memberCount !== counts.memberCount || this.lastCounts.userCount !== counts.userCount;
    if (announced === "list" || due || changed) {
      this.lastCounts = { ...counts };
      this.lastCountsAtMs = nowMs;
      return "counts";
    }
    return "none";
  }

  /** How long the next flush waits: the diff batching delay, or while counting until a count frame may go again. */
  flushDelayMs(nowMs: number): number {
    if (this.mode !== "counts") return PRESENCE_FLUSH_MS;
    return Math.max(PRESENCE_FLUSH_MS, this.lastCountsAtMs + PRESENCE_COUNT_INTERVAL_MS - nowMs);
  }
}
