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

/** Which constraint a failed batch tripped, e.g. "NOT NULL constraint failed: coupon_redemptions.coupon_id". */
export function constraintViolation(err: unknown): string | undefined {
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    const match = /(NOT NULL|UNIQUE|CHECK|FOREIGN KEY) constraint failed[^\n]*/.exec(e.message);
    if (match) return match[0];
  }
  return undefined;
}

export function violates(err: unknown, ...needles: string[]): boolean {
  const violation = constraintViolation(err);
  return violation !== undefined && needles.some((n) => violation.includes(n));
}
