/**
 * @module sql-rows
 * Multi-row INSERT statements for the room's group writes. Each SQL statement a Durable Object
 * runs has a fixed cost well above a row's (measured in issue 11: one INSERT per message held
 * batch publish to about half the rate of 20-row INSERTs), so a group writes its rows in as few
 * statements as the platform's bound-parameter limit allows.
 */

/** Durable Object SQLite binds at most 100 parameters per statement (platform limit). */
export const MAX_BOUND_PARAMETERS = 100;

/** Rows of `columns` values one statement may carry. */
export function rowsPerStatement(columns: number): number {
  return Math.floor(MAX_BOUND_PARAMETERS / columns);
}

const statements = new Map<string, string>();

/** `<insert> VALUES (?, …), (?, …)` for `rows` rows of `columns` values; one text per shape, so the runtime can reuse its prepared statement. */
export function multiRowStatement(insert: string, columns: number, rows: number): string {
  const shape = `${insert}|${columns}|${rows}`;
  let statement = statements.get(shape);
  if (!statement) {
    const row = `(${Array.from({ length: columns }, () => "?").join(", ")})`;
    statement = `${insert} VALUES ${Array.from({ length: rows }, () => row).join(", ")}`;
    statements.set(shape, statement);
  }
  return statement;
}
