import { drizzle } from "drizzle-orm/d1";

export type Db = ReturnType<typeof database>;

/**
 * The D1 database through drizzle. Schema-less: queries name their tables, which stay private
 * to the module that owns them (the relational `db.query` API, which needs every table here,
 * is not used). In every table, columns are snake_case in SQL, times epoch milliseconds (UTC)
 * and money integer minor units.
 */
export function database(d1: D1Database) {
  return drizzle(d1);
}
