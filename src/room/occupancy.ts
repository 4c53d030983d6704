/**
 * @module occupancy
 * A room's occupancy reports (docs/operations.md): `room_occupied`, `room_vacated`,
 * `member_added`, `member_removed` and counts refreshes, put on the OCCUPANCY_QUEUE for the
 * Worker's consumer (src/operations). Only the object that sees the whole logical room reports:
 * a single room from its sockets, a sharded room's primary from its member registry; a shard
 * never does (its role has no truth to give).
 *
 * A connect or close only marks the room changed and arms one short timer: no storage write,
 * no awaited call. The flush diffs the room as it is against what was last announced
 * (occupancy-diff.ts), records the new announced state in one write and sends the report,
 * unawaited by any socket handler. Counts-only changes are throttled to one refresh per
 * COUNTS_REFRESH_MS. A report the queue refuses goes to a SQLite outbox, retried by the room's
 * `occupancy` alarm job; the same job, every OCCUPANCY_CHECK_SECONDS while the room is occupied,
 * prunes ghosts (a sharded room asks its shards), diffs again and sends a counts refresh. After
 * a crash the sockets are gone but the alarm and the announced state are not, so the room wakes,
 * finds nobody and reports `member_removed` for each user and `room_vacated`.
 *
 * Event numbers: n = max(last n + 1, now in ms), with the last n stored with each report and
 * carried over a wipe, so n never goes back and the directory's guard never refuses a new report.
 */
import { log } from "../log";
import type { OccupancyReport } from "../shared/occupancy-report";
import type { AlarmSchedule } from "./alarm-schedule";
import { buildReport, splitReport, transitionsBetween, type OccupancyTruth, type Transition } from "./occupancy-diff";
import { OccupancyStore } from "./occupancy-store";

/** Joins and leaves within this window go out as one report. */
export const OCCUPANCY_FLUSH_MS = 250;
/** Least time between two counts-only refreshes of one room. */
export const COUNTS_REFRESH_MS = 5_000;
/** Delay before a report the queue refused is tried again. */
export const OUTBOX_RETRY_MS = 5_000;
/** A queue message holds at most 128 KB; reports are cut below that. */
const MAX_REPORT_BYTES = 100_000;
const OUTBOX_READ_BATCH = 50;

export interface OccupancyHost {
  /** The producer binding; without it the room reports nothing. */
  readonly queue: Queue | undefined;
  readonly checkMs: number;
  sql(): SqlStorage;
  room(): string;
  /** The logical room's connections and users now; undefined where this object does not report (a shard). */
  truth(): OccupancyTruth | undefined;
  /** Drops members whose sockets are gone without a close (a sharded room asks its shards). */
  prune(): Promise<void>;
  alarms(): AlarmSchedule;
}

const NOBODY: OccupancyTruth = { connections: 0, users: new Set() };

export class RoomOccupancy {
  readonly #host: OccupancyHost;
  readonly #store: OccupancyStore;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(host: OccupancyHost) {
    this.#host = host;
    this.#store = new OccupancyStore(() => host.sql());
  }

  /** A connection came or went: a report within OCCUPANCY_FLUSH_MS (one timer at a time). */
  changed(): void {
    if (this.#host.queue) this.#schedule(OCCUPANCY_FLUSH_MS);
  }

  /** The `occupancy` alarm job: prune, diff, refresh counts, retry the outbox, and come back while occupied. */
  async check(): Promise<void> {
    const host = this.#host;
    if (!host.queue || !host.room() || !host.truth()) return;
    try {
      await host.prune();
    } catch (error) {
      log("error", { room: host.room(), where: "RoomOccupancy.check", reason: "ghost members not pruned", error });
    }
    await this.#flush(true);
    await this.#drainOutbox();
    const occupied = this.#store.state().users.size > 0;
    const pending = this.#store.outboxSize() > 0;
    const now = Date.now();
    if (occupied || pending) await host.alarms().set("occupancy", now + (pending ? Math.min(host.checkMs, OUTBOX_RETRY_MS) : host.checkMs));
    else await host.alarms().clear("occupancy");
  }

  /** Before the room's storage is wiped: its users leave and it is vacated (sent after the wipe). */
  beforeWipe(): { reports: OccupancyReport[]; lastN: number } | undefined {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    const host = this.#host;
    if (!host.queue || !host.room() || !host.truth()) return undefined;
    const state = this.#store.state();
    const transitions = transitionsBetween(state.users, NOBODY.users);
    if (transitions.length === 0) return { reports: [], lastN: state.lastN };
    const { report, lastN } = this.#report(transitions, NOBODY, 0, Date.now());
    return { reports: splitReport(report, MAX_REPORT_BYTES), lastN };
  }

  /** After the wipe: the event number carries on in the new storage and the vacate goes out. */
  async afterWipe(carried: { reports: OccupancyReport[]; lastN: number } | undefined): Promise<void> {
    this.#store.forget();
    if (!carried) return;
    this.#store.recordN(carried.lastN);
    await this.#send(carried.reports);
  }

  #schedule(delayMs: number): void {
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      this.#flush(false).catch((error: unknown) => log("error", { room: this.#host.room(), where: "RoomOccupancy.flush", error }));
    }, delayMs);
  }

  /** Diffs, records and sends; `refresh` sends the counts even when nothing changed (the alarm job). */
  async #flush(refresh: boolean): Promise<void> {
    const host = this.#host;
    const truth = host.truth();
    if (!host.queue || !host.room() || !truth) return;
    const state = this.#store.state();
    const now = Date.now();
    const transitions = transitionsBetween(state.users, truth.users);
    if (transitions.length === 0) {
      // Nobody here and nobody announced: nothing to refresh.
      if (truth.users.size === 0) return;
      const countsChanged = truth.connections !== state.connections || truth.users.size !== state.userCount;
      if (!refresh && !countsChanged) return;
      const refreshAt = state.reportedAt + COUNTS_REFRESH_MS;
      if (!refresh && now < refreshAt) {
        this.#schedule(refreshAt - now);
        return;
      }
    }
    const since = truth.users.size === 0 ? 0 : state.users.size === 0 ? now : state.since;
    const built = this.#report(transitions, truth, since, now);
    this.#store.record({ users: truth.users, connections: truth.connections, since, lastN: built.lastN, reportedAt: now });
    const alarms = host.alarms();
    if (state.users.size === 0 && truth.users.size > 0) await alarms.noLaterThan("occupancy", now + host.checkMs);
    await this.#send(splitReport(built.report, MAX_REPORT_BYTES));
    if (truth.users.size === 0 && this.#store.outboxSize() === 0) await alarms.clear("occupancy");
  }

  #report(transitions: readonly Transition[], truth: OccupancyTruth, since: number, now: number): { report: OccupancyReport; lastN: number } {
    let lastN = this.#store.state().lastN;
    const report = buildReport({
      room: this.#host.room(),
      ts: now,
      truth,
      since,
      transitions,
      nextN: () => (lastN = Math.max(lastN + 1, now)),
      newId: () => crypto.randomUUID(),
    });
    return { report, lastN };
  }

  /** To the queue in order; behind an outbox that is not empty, or into it when the queue refuses. */
  async #send(reports: readonly OccupancyReport[]): Promise<void> {
    const queue = this.#host.queue;
    if (!queue || reports.length === 0) return;
    if (this.#store.outboxSize() > 0) {
      this.#store.pushOutbox(reports.map((report) => JSON.stringify(report)));
      await this.#retrySoon();
      return;
    }
    for (let i = 0; i < reports.length; i++) {
      try {
        await queue.send(reports[i], { contentType: "json" });
      } catch (error) {
        log("error", { room: this.#host.room(), where: "RoomOccupancy.send", reason: `occupancy queue refused ${reports.length - i} report(s); kept in the outbox for retry`, error });
        this.#store.pushOutbox(reports.slice(i).map((report) => JSON.stringify(report)));
        await this.#retrySoon();
        return;
      }
    }
  }

  async #drainOutbox(): Promise<void> {
    const queue = this.#host.queue!;
    for (;;) {
      const entries = this.#store.outbox(OUTBOX_READ_BATCH);
      if (entries.length === 0) return;
      for (const entry of entries) {
        try {
          await queue.send(JSON.parse(entry.body) as OccupancyReport, { contentType: "json" });
        } catch (error) {
          log("error", { room: this.#host.room(), where: "RoomOccupancy.drainOutbox", reason: "occupancy queue still refuses; retrying later", error });
          return;
        }
        this.#store.dropFromOutbox(entry.seq);
      }
    }
  }

  async #retrySoon(): Promise<void> {
    await this.#host.alarms().noLaterThan("occupancy", Date.now() + OUTBOX_RETRY_MS);
  }
}
