/**
 * @module sql-rows
 * Multi-row INSERTs and DELETEs for the room's group writes. Each SQL statement a Durable Object
 * runs has a fixed cost well above a row's (measured in issue 11: one INSERT per message held
 * batch publish to about half the rate of 20-row INSERTs), so a group writes its rows in as few
 * statements as the platform's bound-parameter limit allows.
 */

/** Durable Object SQLite binds at most 100 parameters per statement (platform limit). */
export const MAX_BOUND_PARAMETERS = 100;

const statements = new Map<string, string>();

/** `count` placeholders joined by ", ". */
const placeholders = (count: number): string => Array.from({ length: count }, () => "?").join(", ");

/** One statement text per shape, so the runtime can reuse its prepared statement. */
function cached(shape: string, build: () => string): string {
  let statement = statements.get(shape);
  if (!statement) {
    statement = build();
    statements.set(shape, statement);
  }
  return statement;
}

/** `<insert> VALUES (?, …), (?, …)` for `rows` rows of `columns` values. */
function multiRowStatement(insert: string, columns: number, rows: number): string {
  return cached(`${insert}|${columns}|${rows}`, () => `${insert} VALUES ${Array.from({ length: rows }, () => `(${placeholders(columns)})`).join(", ")}`);
}

/**
 * Runs `insert` (`INSERT … INTO table (columns)`) for every row, as many rows per statement as
 * MAX_BOUND_PARAMETERS allows. Every row has one value per column, in the insert's order.
 */
export function insertRows(sql: SqlStorage, insert: string, rows: readonly SqlStorageValue[][]): void {
  if (rows.length === 0) return;
  const columns = rows[0]!.length;
  const rowsPerStatement = Math.floor(MAX_BOUND_PARAMETERS / columns);
  for (let start = 0; start < rows.length; start += rowsPerStatement) {
    const run = rows.slice(start, start + rowsPerStatement);
    sql.exec(multiRowStatement(insert, columns, run.length), ...run.flat());
  }
}

/**
 * Runs `deleteWhere` (`DELETE FROM table WHERE column`) for every key, as `… IN (?, …)` with as
 * many keys per statement as MAX_BOUND_PARAMETERS allows.
 */
export function deleteKeys(sql: SqlStorage, deleteWhere: string, keys: readonly SqlStorageValue[]): void {
  for (let start = 0; start < keys.length; start += MAX_BOUND_PARAMETERS) {
    const run = keys.slice(start, start + MAX_BOUND_PARAMETERS);
    sql.exec(cached(`${deleteWhere}|in|${run.length}`, () => `${deleteWhere} IN (${placeholders(run.length)})`), ...run);
  }
}
