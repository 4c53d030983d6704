/**
 * @module topic-snapshots
 * The newest message of each topic, in SQLite so it survives hibernation and restarts. Sent to
 * a connection when it subscribes, marked `snapshot: true` (docs/protocol.md §3 "Topics"). Data longer than
 * one SQLite value may be keeps its first part in `topic_latest` and the rest in `topic_chunks`.
 */
import { MAX_SNAPSHOTS_PER_SUBSCRIBE } from "../shared/limits";
import type { StoredMessage } from "../shared/protocol";
import { splitText } from "./text-chunks";

interface SnapshotRow extends Record<string, SqlStorageValue> {
  topic: string;
  seq: number;
  ts: number;
  sender: string;
  data: string;
}

export class TopicSnapshots {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS topic_latest (topic TEXT PRIMARY KEY, seq INTEGER NOT NULL, ts INTEGER NOT NULL, sender TEXT NOT NULL, data TEXT NOT NULL)`);
    sql.exec(`CREATE TABLE IF NOT EXISTS topic_chunks (topic TEXT NOT NULL, idx INTEGER NOT NULL, part TEXT NOT NULL, PRIMARY KEY (topic, idx))`);
  }

  /** A group's messages, oldest first: only each topic's newest is written (an older one would be replaced within the same transaction). */
  rememberAll(messages: readonly StoredMessage[]): void {
    const newest = new Map<string, StoredMessage>();
    for (const message of messages) if (message.topic !== undefined) newest.set(message.topic, message);
    for (const message of newest.values()) this.remember(message);
  }

  private remember(message: StoredMessage): void {
    if (message.topic === undefined) return;
    const [first, ...rest] = splitText(message.dataJson);
    this.sql.exec(`DELETE FROM topic_chunks WHERE topic = ?`, message.topic);
    rest.forEach((part, index) => this.sql.exec(`INSERT INTO topic_chunks (topic, idx, part) VALUES (?, ?, ?)`, message.topic!, index + 1, part));
    this.sql.exec(
      `INSERT INTO topic_latest (topic, seq, ts, sender, data) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT(topic) DO UPDATE SET seq = excluded.seq, ts = excluded.ts, sender = excluded.sender, data = excluded.data`,
      message.topic,
      message.seq,
      message.ts,
      message.from,
      first!,
    );
  }

  /**
   * The newest message of every topic matching any of `filters`, in seq order, none past
   * `upToSeq` (the newest delivered seq: a newer one is still committing and comes live).
   */
  matching(filters: readonly string[], upToSeq = Number.POSITIVE_INFINITY): StoredMessage[] {
    const bySeq = new Map<number, StoredMessage>();
    for (const filter of filters) {
      const rows = filter.endsWith("*")
        ? this.sql.exec<SnapshotRow>(
            `SELECT topic, seq, ts, sender, data FROM topic_latest WHERE substr(topic, 1, ?) = ? ORDER BY seq DESC LIMIT ?`,
            filter.length - 1,
            filter.slice(0, -1),
            MAX_SNAPSHOTS_PER_SUBSCRIBE,
          )
        : this.sql.exec<SnapshotRow>(`SELECT topic, seq, ts, sender, data FROM topic_latest WHERE topic = ?`, filter);
      for (const row of rows) if (row.seq <= upToSeq) bySeq.set(row.seq, { seq: row.seq, ts: row.ts, topic: row.topic, from: row.sender, dataJson: row.data });
    }
    const latest = [...bySeq.values()].sort((a, b) => a.seq - b.seq).slice(-MAX_SNAPSHOTS_PER_SUBSCRIBE);
    for (const message of latest) this.joinChunks(message);
    return latest;
  }

  /** Appends the further parts of a chunked snapshot (none for data that fit one row). */
  private joinChunks(message: StoredMessage): void {
    for (const chunk of this.sql.exec<{ part: string }>(`SELECT part FROM topic_chunks WHERE topic = ? ORDER BY idx`, message.topic!)) message.dataJson += chunk.part;
  }
}
