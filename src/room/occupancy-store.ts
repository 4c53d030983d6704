/**
 * @module occupancy-store
 * What a room last told the occupancy queue, in SQLite so a wake or a crash diffs against it:
 * the announced users, the counts and time of the last report, since when the room is occupied
 * and the last event number; plus the outbox of reports the queue did not take yet. Written
 * once per report (a flush), never per connect or per message; a flush's joined and departed
 * users go in multi-row statements (sql-rows.ts), not one per user.
 */
import { deleteKeys, insertRows } from "./sql-rows";

export interface AnnouncedState {
  users: Set<string>;
  connections: number;
  userCount: number;
  since: number;
  lastN: number;
  /** When the last report was made (counts refreshes are throttled from here). */
  reportedAt: number;
}

export interface OutboxEntry {
  seq: number;
  body: string;
}

export class OccupancyStore {
  #state: AnnouncedState | undefined;
  #ready = false;

  constructor(private readonly sql: () => SqlStorage) {}

  /** The announced state, read from storage once per isolate (or after a wipe). */
  state(): AnnouncedState {
    if (this.#state) return this.#state;
    const sql = this.#tables();
    const row = sql.exec<{ connections: number; users: number; since: number; last_n: number; reported_at: number }>(`SELECT connections, users, since, last_n, reported_at FROM occupancy WHERE id = 1`).toArray()[0];
    const users = new Set(sql.exec<{ user: string }>(`SELECT user FROM occupancy_users`).toArray().map((r) => r.user));
    this.#state = { users, connections: row?.connections ?? 0, userCount: row?.users ?? users.size, since: row?.since ?? 0, lastN: row?.last_n ?? 0, reportedAt: row?.reported_at ?? 0 };
    return this.#state;
  }

  /** Records a report: the new announced users (diffed against the old), counts, since and last n. */
  record(next: { users: ReadonlySet<string>; connections: number; since: number; lastN: number; reportedAt: number }): void {
    const state = this.state();
    const sql = this.#tables();
    const departed: string[] = [];
    for (const user of state.users) if (!next.users.has(user)) departed.push(user);
    const joined: string[][] = [];
    for (const user of next.users) if (!state.users.has(user)) joined.push([user]);
    deleteKeys(sql, `DELETE FROM occupancy_users WHERE user`, departed);
    insertRows(sql, `INSERT OR IGNORE INTO occupancy_users (user)`, joined);
    this.#writeState({ ...next, users: new Set(next.users), userCount: next.users.size });
  }

  /** Only the event number moved (a wiped room keeps counting up). */
  recordN(lastN: number): void {
    this.#writeState({ ...this.state(), lastN });
  }

  /** Storage was wiped: read again (empty) on next use. */
  forget(): void {
    this.#state = undefined;
    this.#ready = false;
  }

  pushOutbox(bodies: readonly string[]): void {
    const sql = this.#tables();
    for (const body of bodies) sql.exec(`INSERT INTO occupancy_outbox (body) VALUES (?)`, body);
  }

  outbox(limit: number): OutboxEntry[] {
    return this.#tables().exec<{ seq: number; body: string }>(`SELECT seq, body FROM occupancy_outbox ORDER BY seq LIMIT ?`, limit).toArray();
  }

  outboxSize(): number {
    return this.#tables().exec<{ n: number }>(`SELECT COUNT(*) AS n FROM occupancy_outbox`).one().n;
  }

  dropFromOutbox(seq: number): void {
    this.#tables().exec(`DELETE FROM occupancy_outbox WHERE seq = ?`, seq);
  }

  #writeState(state: AnnouncedState): void {
    this.#state = state;
    this.#tables().exec(
      `INSERT OR REPLACE INTO occupancy (id, connections, users, since, last_n, reported_at) VALUES (1, ?, ?, ?, ?, ?)`,
      state.connections,
      state.userCount,
      state.since,
      state.lastN,
      state.reportedAt,
    );
  }

  #tables(): SqlStorage {
    const sql = this.sql();
    if (this.#ready) return sql;
    this.#ready = true;
    sql.exec(`CREATE TABLE IF NOT EXISTS occupancy (id INTEGER PRIMARY KEY CHECK (id = 1), connections INTEGER NOT NULL, users INTEGER NOT NULL, since INTEGER NOT NULL, last_n INTEGER NOT NULL, reported_at INTEGER NOT NULL)`);
    sql.exec(`CREATE TABLE IF NOT EXISTS occupancy_users (user TEXT PRIMARY KEY)`);
    sql.exec(`CREATE TABLE IF NOT EXISTS occupancy_outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT NOT NULL)`);
    return sql;
  }
}
