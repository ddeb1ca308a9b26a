import { drizzle } from "drizzle-orm/d1";

const open = (d1: D1Database) => drizzle(d1);
export type Db = ReturnType<typeof open>;

// One drizzle client per D1 binding and isolate: it holds nothing of a request, and making one
// per request was a measurable part of every request's CPU.
const clients = new WeakMap<D1Database, Db>();

/**
 * The D1 database through drizzle. Schema-less: queries name their tables, which stay private
 * to the module that owns them (the relational `db.query` API, which needs every table here,
 * is not used). In every table, columns are snake_case in SQL, times epoch milliseconds (UTC)
 * and money integer minor units.
 */
export function database(d1: D1Database): Db {
  let db = clients.get(d1);
  if (!db) {
    db = open(d1);
    // Tooling that builds the app without bindings (scripts/openapi-document.mjs) has no D1 to key on.
    if (d1) clients.set(d1, db);
  }
  return db;
}
