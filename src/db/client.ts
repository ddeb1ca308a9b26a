import { drizzle } from "drizzle-orm/d1";

export type Db = ReturnType<typeof database>;

/**
 * The D1 database through drizzle. Schema-less: queries name their tables, which stay private
 * to the module that owns them (the relational `db.query` API, which needs every table here,
 * is not used).
 */
export function database(d1: D1Database) {
  return drizzle(d1);
}
