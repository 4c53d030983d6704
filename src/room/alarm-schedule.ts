/**
 * @module alarm-schedule
 * One Durable Object has one alarm; several jobs need it (token expiry, drain, occupancy
 * checks). Each job keeps its own deadline here, in a SQLite row so it survives hibernation,
 * eviction and a crash, and the object's alarm is armed at the earliest one. `Room.alarm()`
 * takes the due jobs and runs each; a job that wants to run again schedules itself again.
 */

/** The jobs that share the room's alarm. */
export type AlarmJob = "tokenExpiry" | "drain" | "occupancy";

export class AlarmSchedule {
  readonly #storage: DurableObjectStorage;
  #ready = false;

  constructor(storage: DurableObjectStorage) {
    this.#storage = storage;
  }

  /** Runs `job` at `atMs`, replacing any deadline it had. */
  async set(job: AlarmJob, atMs: number): Promise<void> {
    this.#table().exec(`INSERT OR REPLACE INTO alarm_jobs (job, at_ms) VALUES (?, ?)`, job, atMs);
    await this.#arm();
  }

  /** Runs `job` no later than `atMs` (keeps an earlier deadline). */
  async noLaterThan(job: AlarmJob, atMs: number): Promise<void> {
    const current = this.deadline(job);
    if (current !== undefined && current <= atMs) return;
    await this.set(job, atMs);
  }

  async clear(job: AlarmJob): Promise<void> {
    this.#table().exec(`DELETE FROM alarm_jobs WHERE job = ?`, job);
    await this.#arm();
  }

  deadline(job: AlarmJob): number | undefined {
    const rows = this.#table().exec<{ at_ms: number }>(`SELECT at_ms FROM alarm_jobs WHERE job = ?`, job).toArray();
    return rows[0]?.at_ms;
  }

  /** Removes and returns the jobs due at `nowMs`, earliest first; re-arms for the rest. */
  async takeDue(nowMs: number): Promise<AlarmJob[]> {
    const sql = this.#table();
    const due = sql.exec<{ job: AlarmJob }>(`SELECT job FROM alarm_jobs WHERE at_ms <= ? ORDER BY at_ms`, nowMs).toArray().map((row) => row.job);
    if (due.length > 0) sql.exec(`DELETE FROM alarm_jobs WHERE at_ms <= ?`, nowMs);
    await this.#arm();
    return due;
  }

  async #arm(): Promise<void> {
    const next = this.#table().exec<{ next: number | null }>(`SELECT MIN(at_ms) AS next FROM alarm_jobs`).one().next;
    const current = await this.#storage.getAlarm();
    if (next === null) {
      if (current !== null) await this.#storage.deleteAlarm();
    } else if (current !== next) {
      await this.#storage.setAlarm(next);
    }
  }

  #table(): SqlStorage {
    const sql = this.#storage.sql;
    if (!this.#ready) {
      sql.exec(`CREATE TABLE IF NOT EXISTS alarm_jobs (job TEXT PRIMARY KEY, at_ms INTEGER NOT NULL)`);
      this.#ready = true;
    }
    return sql;
  }
}
