/**
 * @module publish-ids
 * Idempotency for client publishes: a publish `id` seen within the window is acknowledged with
 * its original seq and not published again, so a client that lost an ack can safely resend.
 * Keys are scoped by user (or connection when anonymous) so one client cannot shadow another:
 * every caller (sockets, shards, the HTTP API) builds its key with `publishKey` (publish-key.ts),
 * the one place that rule lives.
 */
import { PUBLISH_ID_MAX_ENTRIES, PUBLISH_ID_WINDOW_MS } from "../shared/limits";
import { insertRows } from "./sql-rows";

export { publishKey, type PublishIdScope } from "./publish-key";

/** Trim the id table once per this many inserts. */
const TRIM_EVERY_INSERTS = 256;
const INSERT_IDS = "INSERT OR REPLACE INTO publish_ids (key, seq, ts)";

export class PublishIds {
  private insertsSinceTrim = 0;

  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS publish_ids (key TEXT PRIMARY KEY, seq INTEGER NOT NULL, ts INTEGER NOT NULL)`);
  }

  /** The seq a publish with this key already got, if it is still remembered. */
  seqFor(key: string, nowMs: number): number | undefined {
    const row = this.sql.exec<{ seq: number; ts: number }>(`SELECT seq, ts FROM publish_ids WHERE key = ?`, key).toArray()[0];
    return row && row.ts >= nowMs - PUBLISH_ID_WINDOW_MS ? row.seq : undefined;
  }

  /** Remembers each key's seq (a pipeline group's ids, inside its transaction), in multi-row INSERTs. */
  rememberAll(ids: ReadonlyArray<{ key: string; seq: number }>, nowMs: number): void {
    insertRows(
      this.sql,
      INSERT_IDS,
      ids.map(({ key, seq }) => [key, seq, nowMs]),
    );
    this.insertsSinceTrim += ids.length;
    if (this.insertsSinceTrim >= TRIM_EVERY_INSERTS) {
      this.insertsSinceTrim = 0;
      this.sql.exec(`DELETE FROM publish_ids WHERE ts < ?`, nowMs - PUBLISH_ID_WINDOW_MS);
      this.sql.exec(
        `DELETE FROM publish_ids WHERE key IN (SELECT key FROM publish_ids ORDER BY ts DESC LIMIT -1 OFFSET ?)`,
        PUBLISH_ID_MAX_ENTRIES,
      );
    }
  }
}
