/**
 * @module directory-schema
 * The D1 tables (binding DIRECTORY), created on first use by whoever touches the database first
 * (the queue consumer, `GET /rooms`, the drain route), so neither `npm start`, the tests nor a
 * deploy needs a migration step. Every statement is idempotent.
 *
 * - `live_rooms`: the occupied rooms (the contract in docs/operations.md).
 * - `vacated_rooms`: the event number each room was last vacated at, so a stale report cannot
 *   bring a vacated room back; pruned after TOMBSTONE_KEEP_MS (directory-statements.ts).
 * - `dead_events`: events whose webhook delivery went to the dead-letter queue.
 */

export const DIRECTORY_SCHEMA: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS live_rooms (room TEXT PRIMARY KEY, connections INTEGER NOT NULL, users INTEGER NOT NULL, since INTEGER NOT NULL, updated INTEGER NOT NULL, last_n INTEGER NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS vacated_rooms (room TEXT PRIMARY KEY, last_n INTEGER NOT NULL)`,
  `CREATE INDEX IF NOT EXISTS vacated_rooms_by_n ON vacated_rooms (last_n)`,
  `CREATE TABLE IF NOT EXISTS dead_events (id TEXT PRIMARY KEY, room TEXT NOT NULL, type TEXT NOT NULL, n INTEGER NOT NULL, event TEXT NOT NULL, dead_at INTEGER NOT NULL)`,
];

/** Per isolate: the schema is ensured once (a failure is retried by the next caller). */
const ensured = new WeakMap<object, Promise<void>>();

export function ensureDirectorySchema(db: D1Database): Promise<void> {
  let ready = ensured.get(db);
  if (!ready) {
    ready = db.batch(DIRECTORY_SCHEMA.map((sql) => db.prepare(sql))).then(() => undefined);
    ready.catch(() => ensured.delete(db));
    ensured.set(db, ready);
  }
  return ready;
}
