/**
 * @module history
 * The room's sequence and message history in Durable Object SQLite storage (docs/protocol.md §3).
 * `epoch` is a random id made when the storage is created or wiped; `seq` counts every
 * published text/JSON message from 1.
 *
 * Hot path: a group of appends is a few multi-row INSERTs (sql-rows.ts). The newest message row
 * carries the seq, so `meta.seq` is written only before something could delete that row (an age
 * trim) or when history is off;
 * on load seq = max(meta.seq, MAX(messages.seq)). Trims run every TRIM_EVERY_APPENDS appends
 * and reads clamp to the window, so what is served never breaks HISTORY_MAX_MESSAGES /
 * HISTORY_MAX_AGE_SECONDS even while a few extra rows wait for the next trim.
 *
 * Data longer than one SQLite value may be (text-chunks.ts) keeps its first part in `messages`
 * and the rest in `message_chunks` (seq, idx ≥ 1); reads join them, trims delete them too.
 */
import type { StoredMessage } from "../shared/protocol";
import { insertRows } from "./sql-rows";
import { splitText } from "./text-chunks";

export interface HistoryLimits {
  historyMaxMessages: number;
  historyMaxAgeSeconds: number;
}

interface ChunkRow extends Record<string, SqlStorageValue> {
  seq: number;
  part: string;
}

interface MessageRow extends Record<string, SqlStorageValue> {
  seq: number;
  ts: number;
  topic: string | null;
  sender: string;
  data: string;
}

/** How many appends go by between trims (reads always clamp to the window). */
const TRIM_EVERY_APPENDS = 64;
const INSERT_MESSAGES = "INSERT INTO messages (seq, ts, topic, sender, data)";
const INSERT_CHUNKS = "INSERT INTO message_chunks (seq, idx, part)";

/** What an append stores; the seq and time are the history's. */
export interface HistoryInput {
  topic?: string;
  from: string;
  dataJson: string;
}

function newEpoch(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

function toMessage(row: MessageRow): StoredMessage {
  return { seq: row.seq, ts: row.ts, topic: row.topic ?? undefined, from: row.sender, dataJson: row.data };
}

export class History {
  epoch = "";
  seq = 0;
  private appendsSinceTrim = 0;

  constructor(
    private readonly sql: SqlStorage,
    private readonly limits: HistoryLimits,
  ) {
    sql.exec(`CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`);
    sql.exec(
      `CREATE TABLE IF NOT EXISTS messages (seq INTEGER PRIMARY KEY, ts INTEGER NOT NULL, topic TEXT, sender TEXT NOT NULL, data TEXT NOT NULL)`,
    );
    sql.exec(`CREATE TABLE IF NOT EXISTS message_chunks (seq INTEGER NOT NULL, idx INTEGER NOT NULL, part TEXT NOT NULL, PRIMARY KEY (seq, idx))`);
    this.load();
  }

  private load(): void {
    const meta = new Map<string, string>();
    for (const row of this.sql.exec<{ key: string; value: string }>(`SELECT key, value FROM meta`)) meta.set(row.key, row.value);
    const epoch = meta.get("epoch");
    if (epoch) {
      this.epoch = epoch;
      const newest = this.sql.exec<{ newest: number | null }>(`SELECT MAX(seq) AS newest FROM messages`).one().newest ?? 0;
      this.seq = Math.max(Number(meta.get("seq") ?? 0), newest);
    } else {
      this.epoch = newEpoch();
      this.seq = 0;
      this.sql.exec(`INSERT OR REPLACE INTO meta (key, value) VALUES ('epoch', ?), ('seq', '0')`, this.epoch);
    }
  }

  /**
   * Assigns the next seqs to `inputs`, in order, and stores them (a pipeline group, inside its
   * transaction). Rows go in multi-row INSERTs, and a row the count window would trim at once is
   * not written at all (the newest row, which carries the seq, always is).
   */
  appendAll(inputs: readonly HistoryInput[], nowMs: number): StoredMessage[] {
    const messages = inputs.map((input): StoredMessage => ({ seq: ++this.seq, ts: nowMs, topic: input.topic, from: input.from, dataJson: input.dataJson }));
    if (this.limits.historyMaxMessages > 0) this.writeRows(messages.slice(-this.limits.historyMaxMessages));
    else this.saveSeq();
    this.appendsSinceTrim += messages.length;
    if (this.appendsSinceTrim >= TRIM_EVERY_APPENDS) {
      this.appendsSinceTrim = 0;
      this.sql.exec(`DELETE FROM messages WHERE seq <= ?`, this.windowStart());
      this.sql.exec(`DELETE FROM message_chunks WHERE seq <= ?`, this.windowStart());
      this.trimByAge(nowMs);
    }
    return messages;
  }

  /** Messages' rows: each first part in `messages`, any further parts in `message_chunks`. */
  private writeRows(messages: readonly StoredMessage[]): void {
    const messageRows: SqlStorageValue[][] = [];
    const chunkRows: SqlStorageValue[][] = [];
    for (const message of messages) {
      const [first, ...rest] = splitText(message.dataJson);
      messageRows.push([message.seq, message.ts, message.topic ?? null, message.from, first!]);
      rest.forEach((part, index) => chunkRows.push([message.seq, index + 1, part]));
    }
    insertRows(this.sql, INSERT_MESSAGES, messageRows);
    insertRows(this.sql, INSERT_CHUNKS, chunkRows);
  }

  /** Messages from rows, with the parts of chunked data joined back on. */
  private readRows(rows: MessageRow[]): StoredMessage[] {
    const messages = rows.map(toMessage);
    if (messages.length === 0) return messages;
    const bySeq = new Map(messages.map((message) => [message.seq, message]));
    const chunks = this.sql.exec<ChunkRow>(
      `SELECT seq, part FROM message_chunks WHERE seq >= ? AND seq <= ? ORDER BY seq, idx`,
      messages[0]!.seq,
      messages[messages.length - 1]!.seq,
    );
    for (const chunk of chunks) {
      const message = bySeq.get(chunk.seq);
      if (message) message.dataJson += chunk.part;
    }
    return messages;
  }

  private saveSeq(): void {
    this.sql.exec(`UPDATE meta SET value = ? WHERE key = 'seq'`, String(this.seq));
  }

  /** The highest seq outside the count window. */
  private windowStart(): number {
    return this.seq - this.limits.historyMaxMessages;
  }

  private trimByAge(nowMs: number): void {
    // An age trim may delete the newest row, which is where seq is read from on load.
    this.saveSeq();
    const trimmed = this.sql.exec(`DELETE FROM messages WHERE ts < ?`, nowMs - this.limits.historyMaxAgeSeconds * 1000).rowsWritten;
    if (trimmed > 0) this.sql.exec(`DELETE FROM message_chunks WHERE seq NOT IN (SELECT seq FROM messages)`);
  }

  /** Messages with seq > `since`, oldest first, at most `limit`, none older than the age limit. */
  since(since: number, limit: number, nowMs: number): StoredMessage[] {
    this.trimByAge(nowMs);
    const rows = this.sql.exec<MessageRow>(
      `SELECT seq, ts, topic, sender, data FROM messages WHERE seq > ? ORDER BY seq LIMIT ?`,
      Math.max(since, this.windowStart()),
      limit,
    );
    return this.readRows(rows.toArray());
  }

  getMeta(key: string): string | undefined {
    return this.sql.exec<{ value: string }>(`SELECT value FROM meta WHERE key = ?`, key).toArray()[0]?.value;
  }

  setMeta(key: string, value: string): void {
    this.sql.exec(`INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)`, key, value);
  }

  /** The oldest seq still held, or seq + 1 when the history is empty. */
  oldestSeq(nowMs: number): number {
    this.trimByAge(nowMs);
    const row = this.sql.exec<{ oldest: number | null }>(`SELECT MIN(seq) AS oldest FROM messages WHERE seq > ?`, this.windowStart()).one();
    return row.oldest ?? this.seq + 1;
  }
}
