import { is, SQL } from "drizzle-orm";
import type { Db } from "../db/client";

/**
 * A D1 prepared statement from raw `sql` or any drizzle query builder. drizzle's own
 * `db.batch()` cannot carry raw SQL with parameters (its D1 session expects a prepared
 * statement there), and the writes here need INSERT … SELECT … json_each and upserts with
 * RETURNING in one transaction, so they are batched with D1's `batch()` directly.
 */
export function statement(db: Db, query: SQL | { toSQL(): { sql: string; params: unknown[] } }): D1PreparedStatement {
  const { sql: text, params } = is(query, SQL) ? db.run(query).getQuery() : query.toSQL();
  return db.$client.prepare(text).bind(...params);
}

/** Runs the statements as one transaction (D1 batches are atomic) and returns each one's rows. */
export async function transaction<T = Record<string, unknown>>(db: Db, statements: D1PreparedStatement[]): Promise<D1Result<T>[]> {
  return db.$client.batch<T>(statements);
}
