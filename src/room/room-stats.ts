/**
 * @module room-stats
 * Counters for `GET /rooms/:room/info`: messages and bytes in/out, closes by code, and the last
 * closes with code, reason and time. Counted in memory on the hot path, and written only inside
 * the message pipeline's group transactions (`flushIfDirty`), so no stats write ever commits on
 * its own while the room sends: every write in flight holds every send the object makes
 * (the runtime's output gate), and each commit of its own costs a disk sync.
 * - The counters' row rides along at most once per STATS_WRITE_INTERVAL_MS. Written in every
 *   group, and by a commit of their own each second while messages flowed, they were part of a
 *   lone message's latency. A room with no group for a whole interval gets them written through
 *   `requestWrite` (a group of no messages).
 * - A close (or a refused upgrade) is kept in memory and asks for a write at once
 *   (`requestWrite`): it goes in the next group, or the one after the group committing now, in
 *   one multi-row INSERT with every other close since. A close storm of 500 sockets was 500
 *   commits of their own; now it is as many as the pipeline's groups. `recentCloses` answers
 *   from the stored rows and the closes not yet written.
 * Hibernation or a crash loses at most about two intervals of counts, and the closes of the
 * group that was committing.
 */
import { RECENT_CLOSES_KEPT, STATS_WRITE_INTERVAL_MS } from "../shared/limits";
import { insertRows } from "./sql-rows";

export interface Counters {
  messagesIn: number;
  messagesOut: number;
  bytesIn: number;
  bytesOut: number;
  connectionsOpened: number;
  closesByCode: Record<string, number>;
}

export interface RecentClose {
  connectionId?: string;
  code: number;
  reason: string;
  at: string;
}

function emptyCounters(): Counters {
  return { messagesIn: 0, messagesOut: 0, bytesIn: 0, bytesOut: 0, connectionsOpened: 0, closesByCode: {} };
}

/** A close recorded in memory, not yet in `recent_closes`. */
interface PendingClose {
  connectionId: string | null;
  code: number;
  reason: string;
  atMs: number;
}

export class RoomStats {
  counters: Counters;
  /** Closes since the last write, oldest first (at most RECENT_CLOSES_KEPT: older ones would be trimmed at once). */
  private pendingCloses: PendingClose[] = [];
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private dirty = false;
  /** When the counters were last written, and when a message group last offered to write them. */
  private lastWriteMs = Number.NEGATIVE_INFINITY;
  private lastGroupMs = Number.NEGATIVE_INFINITY;
  /** The quiet-room timer asked for a write: the next group writes whatever the interval says. */
  private writeDue = false;

  /** `requestWrite` gets the counters and closes written soon (the room's pipeline); without it they are written directly. */
  constructor(
    private readonly sql: SqlStorage,
    private readonly requestWrite?: () => void,
  ) {
    sql.exec(`CREATE TABLE IF NOT EXISTS stats (id INTEGER PRIMARY KEY CHECK (id = 1), counters TEXT NOT NULL)`);
    sql.exec(`CREATE TABLE IF NOT EXISTS recent_closes (id INTEGER PRIMARY KEY AUTOINCREMENT, connection_id TEXT, code INTEGER NOT NULL, reason TEXT NOT NULL, at INTEGER NOT NULL)`);
    const row = sql.exec<{ counters: string }>(`SELECT counters FROM stats WHERE id = 1`).toArray()[0];
    this.counters = { ...emptyCounters(), ...(row ? (JSON.parse(row.counters) as Partial<Counters>) : {}) };
  }

  countIn(bytes: number): void {
    this.counters.messagesIn++;
    this.counters.bytesIn += bytes;
    this.scheduleFlush();
  }

  countOut(messages: number, bytes: number): void {
    this.counters.messagesOut += messages;
    this.counters.bytesOut += bytes;
    this.scheduleFlush();
  }

  /** In memory only: stored with the next flush (see the module note). */
  countConnection(): void {
    this.counters.connectionsOpened++;
  }

  /** Counted now; the row is written with the next group (see the module note). */
  recordClose(close: { connectionId?: string; code: number; reason: string }, nowMs: number): void {
    const key = String(close.code);
    this.counters.closesByCode[key] = (this.counters.closesByCode[key] ?? 0) + 1;
    this.pendingCloses.push({ connectionId: close.connectionId ?? null, code: close.code, reason: close.reason, atMs: nowMs });
    if (this.pendingCloses.length > RECENT_CLOSES_KEPT) this.pendingCloses.shift();
    this.dirty = true;
    if (this.requestWrite) this.requestWrite();
    else this.flush();
  }

  /** The last RECENT_CLOSES_KEPT closes, newest first: those not yet written, then the stored ones. */
  recentCloses(): RecentClose[] {
    const rows = this.sql.exec<{ connection_id: string | null; code: number; reason: string; at: number }>(
      `SELECT connection_id, code, reason, at FROM recent_closes ORDER BY id DESC LIMIT ?`,
      RECENT_CLOSES_KEPT,
    );
    const pending = this.pendingCloses.map((close) => ({ connection_id: close.connectionId, code: close.code, reason: close.reason, at: close.atMs })).reverse();
    return [...pending, ...rows.toArray()].slice(0, RECENT_CLOSES_KEPT).map((row) => ({
      ...(row.connection_id ? { connectionId: row.connection_id } : {}),
      code: row.code,
      reason: row.reason,
      at: new Date(row.at).toISOString(),
    }));
  }

  /**
   * One timer while counts are unwritten. While groups keep coming (one in the last interval)
   * they write the counters, so the timer only looks again; a room quiet for an interval gets
   * them written by a commit of their own, after which no timer is left (hibernation).
   */
  private scheduleFlush(): void {
    this.dirty = true;
    this.flushTimer ??= setTimeout(() => this.onFlushTimer(), STATS_WRITE_INTERVAL_MS);
  }

  private onFlushTimer(): void {
    this.flushTimer = undefined;
    if (!this.dirty) return;
    if (!this.requestWrite) {
      this.flush();
      return;
    }
    if (Date.now() - this.lastGroupMs < STATS_WRITE_INTERVAL_MS) {
      this.scheduleFlush();
      return;
    }
    this.writeDue = true;
    this.requestWrite();
  }

  /**
   * Inside each group transaction of the pipeline: writes the closes not yet written, and the
   * counters if they changed and the last write is an interval old (or a close or the
   * quiet-room timer asked for it).
   */
  flushIfDirty(): void {
    const nowMs = Date.now();
    this.lastGroupMs = nowMs;
    const closesDue = this.pendingCloses.length > 0;
    if (!this.dirty || (!closesDue && !this.writeDue && nowMs - this.lastWriteMs < STATS_WRITE_INTERVAL_MS)) return;
    // The pending timer (if any) stays: it finds nothing dirty, or what changed since.
    this.write();
  }

  flush(): void {
    if (this.flushTimer !== undefined) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.write();
  }

  /**
   * The closes, then the counters. State is cleared only once the statements ran: they are the
   * last of the group's transaction, so a failure here rolls back and everything stays pending.
   */
  private write(): void {
    const closes = this.pendingCloses;
    if (closes.length > 0) {
      insertRows(this.sql, `INSERT INTO recent_closes (connection_id, code, reason, at)`, closes.map((close) => [close.connectionId, close.code, close.reason, close.atMs]));
      this.sql.exec(`DELETE FROM recent_closes WHERE id <= (SELECT MAX(id) FROM recent_closes) - ?`, RECENT_CLOSES_KEPT);
    }
    this.sql.exec(`INSERT OR REPLACE INTO stats (id, counters) VALUES (1, ?)`, JSON.stringify(this.counters));
    this.pendingCloses = [];
    this.dirty = false;
    this.writeDue = false;
    this.lastWriteMs = Date.now();
  }
}

/** A sharded room's counters and recent closes: the primary's plus every shard's. */
export function combineStats(own: { counters: Counters; recentCloses: RecentClose[] }, shards: ReadonlyArray<{ counters: Counters; recentCloses: RecentClose[] } | undefined>): { counters: Counters; recentCloses: RecentClose[] } {
  const counters = structuredClone(own.counters);
  const closes = [...own.recentCloses];
  for (const shard of shards) {
    if (!shard) continue;
    counters.messagesIn += shard.counters.messagesIn;
    counters.messagesOut += shard.counters.messagesOut;
    counters.bytesIn += shard.counters.bytesIn;
    counters.bytesOut += shard.counters.bytesOut;
    counters.connectionsOpened += shard.counters.connectionsOpened;
    for (const [code, count] of Object.entries(shard.counters.closesByCode)) counters.closesByCode[code] = (counters.closesByCode[code] ?? 0) + count;
    closes.push(...shard.recentCloses);
  }
  closes.sort((a, b) => b.at.localeCompare(a.at));
  return { counters, recentCloses: closes.slice(0, RECENT_CLOSES_KEPT) };
}
