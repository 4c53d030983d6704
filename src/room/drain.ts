/**
 * @module drain
 * Draining a room's sockets before a deploy (docs/protocol.md §11): every connection open when
 * the drain starts is closed with 1012, spread evenly over the window so the clients' reconnects
 * (jittered by the SDK) arrive as a trickle, not a storm. The plan — start, window, and which
 * connection goes at which position — is kept in SQLite, and each step runs from the room's
 * alarm (job `drain`, alarm-schedule.ts), so hibernation, eviction or a restart of the object
 * between steps neither stops nor repeats it.
 *
 * Connection i of n is due at start + i × window / n. One alarm run closes every connection
 * already due and re-arms for the next one, at least DRAIN_MIN_STEP_MS later: 10,000 sockets over
 * 10 s close in ~200 steps of ~50, not 10,000 alarms. Connections that arrive during the drain
 * are not in the plan and stay open: they came after the drain started, so a client that
 * reconnects after its 1012 is not closed again (before a deploy they reach the old version,
 * whose deploy then closes them as any deploy does: see docs/operations.md).
 */
import { log } from "../log";
import type { AlarmSchedule } from "./alarm-schedule";

/** Shortest gap between two drain steps, in ms: connections due within it close together. */
export const DRAIN_MIN_STEP_MS = 50;

type DrainPlan = {
  started_ms: number;
  over_ms: number;
  total: number;
};

export class Drain {
  #ready = false;

  constructor(
    private readonly sql: SqlStorage,
    private readonly alarms: () => AlarmSchedule,
    /** Closes the open connection with this id with 1012; false when it is gone already. */
    private readonly closeConnection: (connectionId: string) => boolean,
  ) {}

  /**
   * Plans the drain of `connectionIds` over `overMs` from `nowMs` (replacing a drain under way)
   * and runs its first step. The order is shuffled: no kind of client is always drained first.
   */
  async start(connectionIds: readonly string[], overMs: number, nowMs: number): Promise<void> {
    const sql = this.#tables();
    sql.exec(`DELETE FROM drain_queue`);
    sql.exec(`DELETE FROM drain_plan`);
    if (connectionIds.length === 0) {
      await this.alarms().clear("drain");
      return;
    }
    const order = shuffled(connectionIds);
    sql.exec(`INSERT INTO drain_plan (id, started_ms, over_ms, total) VALUES (1, ?, ?, ?)`, nowMs, overMs, order.length);
    order.forEach((id, position) => sql.exec(`INSERT INTO drain_queue (pos, connection_id) VALUES (?, ?)`, position, id));
    await this.step(nowMs);
  }

  /** One step (the alarm's `drain` job): closes every connection due by `nowMs`, then re-arms. */
  async step(nowMs: number): Promise<void> {
    const sql = this.#tables();
    const plan = sql.exec<DrainPlan>(`SELECT started_ms, over_ms, total FROM drain_plan WHERE id = 1`).toArray()[0];
    if (!plan) return;
    const due = dueCount(plan, nowMs);
    const rows = sql.exec<{ connection_id: string }>(`SELECT connection_id FROM drain_queue WHERE pos < ? ORDER BY pos`, due).toArray();
    let closed = 0;
    for (const row of rows) if (this.closeConnection(row.connection_id)) closed++;
    sql.exec(`DELETE FROM drain_queue WHERE pos < ?`, due);
    const next = sql.exec<{ next: number | null }>(`SELECT MIN(pos) AS next FROM drain_queue`).one().next;
    if (next === null) {
      sql.exec(`DELETE FROM drain_plan`);
      await this.alarms().clear("drain");
      log("drain", { reason: `drain done: ${plan.total} connections over ${plan.over_ms} ms`, connections: closed });
      return;
    }
    await this.alarms().set("drain", Math.max(dueAt(plan, next), nowMs + DRAIN_MIN_STEP_MS));
  }

  /** Connections still waiting for their 1012 (0 when no drain is under way). */
  pending(): number {
    return this.#tables().exec<{ n: number }>(`SELECT COUNT(*) AS n FROM drain_queue`).one().n;
  }

  #tables(): SqlStorage {
    if (!this.#ready) {
      this.sql.exec(`CREATE TABLE IF NOT EXISTS drain_plan (id INTEGER PRIMARY KEY CHECK (id = 1), started_ms INTEGER NOT NULL, over_ms INTEGER NOT NULL, total INTEGER NOT NULL)`);
      this.sql.exec(`CREATE TABLE IF NOT EXISTS drain_queue (pos INTEGER PRIMARY KEY, connection_id TEXT NOT NULL)`);
      this.#ready = true;
    }
    return this.sql;
  }
}

/** When the connection at `position` is due. */
function dueAt(plan: DrainPlan, position: number): number {
  return plan.started_ms + Math.ceil((position * plan.over_ms) / plan.total);
}

/** How many connections (positions 0..n-1) are due by `nowMs`. */
function dueCount(plan: DrainPlan, nowMs: number): number {
  const elapsed = nowMs - plan.started_ms;
  if (plan.over_ms <= 0 || elapsed >= plan.over_ms) return plan.total;
  return Math.min(plan.total, Math.floor((elapsed * plan.total) / plan.over_ms) + 1);
}

/** Fisher–Yates. */
function shuffled<T>(items: readonly T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}
