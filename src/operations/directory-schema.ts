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
import { DIRECTORY_SCHEMA } from "./directory-statements";

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
