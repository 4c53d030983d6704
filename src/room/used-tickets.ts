/**
 * @module used-tickets
 * Single use of connect tickets (docs/protocol.md §5): the room remembers each redeemed ticket id until the
 * ticket would have expired anyway, and refuses a second use.
 */

/** Trim expired ticket ids once per this many redemptions. */
const TRIM_EVERY_REDEMPTIONS = 64;

export class UsedTickets {
  private redemptionsSinceTrim = 0;

  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS used_tickets (id TEXT PRIMARY KEY, expires_at INTEGER NOT NULL)`);
  }

  /** True the first time `id` is redeemed, false ever after (until it expires). */
  redeem(id: string, expiresAtMs: number, nowMs: number): boolean {
    if (this.sql.exec(`SELECT 1 FROM used_tickets WHERE id = ?`, id).toArray().length > 0) return false;
    this.sql.exec(`INSERT INTO used_tickets (id, expires_at) VALUES (?, ?)`, id, expiresAtMs);
    if (++this.redemptionsSinceTrim >= TRIM_EVERY_REDEMPTIONS) {
      this.redemptionsSinceTrim = 0;
      this.sql.exec(`DELETE FROM used_tickets WHERE expires_at < ?`, nowMs);
    }
    return true;
  }
}
