import { sql, type SQL } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";

/**
 * D1 has no interactive transactions, but a batch is one: if any statement fails, none of
 * it is written. Writes here are read → decide → one batch whose first statements re-check
 * what the decision relied on and *fail* when it no longer holds, by writing NULL into a
 * NOT NULL column. So a lost race aborts the whole batch instead of half-applying it.
 */

/** `version` compare-and-bump: NULL (abort) unless the row is still at `expected`. */
export function bumpVersion(column: SQLiteColumn, expected: number): SQL {
  return sql`CASE WHEN ${column} = ${expected} THEN ${column} + 1 END`;
}
