/**
 * @module sql-rows
 * Multi-row INSERTs for the room's group writes. Each SQL statement a Durable Object runs has a
 * fixed cost well above a row's (measured in issue 11: one INSERT per message held batch publish
 * to about half the rate of 20-row INSERTs), so a group writes its rows in as few statements as
 * the platform's bound-parameter limit allows.
 */

/** Durable Object SQLite binds at most 100 parameters per statement (platform limit). */
export const MAX_BOUND_PARAMETERS = 100;

const statements = new Map<string, string>();

/** `<insert> VALUES (?, …), (?, …)` for `rows` rows of `columns` values; one text per shape, so the runtime can reuse its prepared statement. */
function multiRowStatement(insert: string, columns: number, rows: number): string {
  const shape = `${insert}|${columns}|${rows}`;
  let statement = statements.get(shape);
  if (!statement) {
    const row = `(${Array.from({ length: columns }, () => "?").join(", ")})`;
    statement = `${insert} VALUES ${Array.from({ length: rows }, () => row).join(", ")}`;
    statements.set(shape, statement);
  }
  return statement;
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
