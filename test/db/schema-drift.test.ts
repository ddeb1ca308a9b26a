import { env } from "cloudflare:workers";
import { is } from "drizzle-orm";
import { getTableConfig, SQLiteTable } from "drizzle-orm/sqlite-core";
import { describe, expect, it } from "vitest";

// Every drizzle table: each module keeps its own in table.ts (the idempotency keys live with
// their middleware), found here by path so a new module's tables are checked too.
const schema = Object.assign(
  {},
  ...Object.values(import.meta.glob<Record<string, unknown>>(["../../src/**/table.ts", "../../src/http/idempotency.ts"], { eager: true })),
);

// The migrations are what production runs; the drizzle tables are what the code believes. This
// holds the two equal: every table, column, NOT NULL and primary key (test/setup.ts has applied
// every migration to env.DB).

interface ColumnShape {
  type: string;
  notNull: boolean;
}

interface TableShape {
  columns: Record<string, ColumnShape>;
  primaryKey: string[];
}

/** Tables SQLite, D1 and wrangler keep for themselves, and FTS5's shadow tables. */
const NOT_OURS = [/^sqlite_/, /^_cf_/, /^d1_migrations$/, /^spend_items_fts/];

/**
 * SQLite lets a non-INTEGER primary key column hold NULL unless it says NOT NULL (a documented
 * legacy quirk), while an INTEGER PRIMARY KEY is the rowid and never NULL.
 */
const effectivelyNotNull = (type: string, notNull: boolean, soleIntegerKey: boolean) => notNull || (soleIntegerKey && type === "integer");

function drizzleShapes(): Record<string, TableShape> {
  const shapes: Record<string, TableShape> = {};
  for (const value of Object.values(schema)) {
    if (!is(value, SQLiteTable)) continue;
    const config = getTableConfig(value);
    const composite = config.primaryKeys.flatMap((pk) => pk.columns.map((c) => c.name));
    const single = config.columns.filter((c) => c.primary).map((c) => c.name);
    const primaryKey = composite.length > 0 ? composite : single;
    const columns: Record<string, ColumnShape> = {};
    for (const column of config.columns) {
      const type = column.getSQLType().toLowerCase();
      columns[column.name] = { type, notNull: effectivelyNotNull(type, column.notNull, primaryKey.length === 1 && primaryKey[0] === column.name) };
    }
    shapes[config.name] = { columns, primaryKey };
  }
  return shapes;
}

async function databaseShapes(db: D1Database): Promise<Record<string, TableShape>> {
  const { results: tables } = await db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all<{ name: string }>();
  const shapes: Record<string, TableShape> = {};
  for (const { name } of tables) {
    if (NOT_OURS.some((pattern) => pattern.test(name))) continue;
    const { results: info } = await db
      .prepare('SELECT name, type, "notnull" AS required, pk FROM pragma_table_info(?) ORDER BY cid')
      .bind(name)
      .all<{ name: string; type: string; required: number; pk: number }>();
    const primaryKey = info
      .filter((c) => c.pk > 0)
      .sort((a, b) => a.pk - b.pk)
      .map((c) => c.name);
    const columns: Record<string, ColumnShape> = {};
    for (const column of info) {
      const type = column.type.toLowerCase();
      columns[column.name] = { type, notNull: effectivelyNotNull(type, column.required === 1, primaryKey.length === 1 && primaryKey[0] === column.name) };
    }
    shapes[name] = { columns, primaryKey };
  }
  return shapes;
}

/** Every difference between the two, one readable line each. */
function drift(inCode: Record<string, TableShape>, inDb: Record<string, TableShape>): string[] {
  const found: string[] = [];
  for (const table of Object.keys(inDb).filter((t) => !(t in inCode))) found.push(`table ${table}: in the migrations, not in the drizzle tables`);
  for (const table of Object.keys(inCode).filter((t) => !(t in inDb))) found.push(`table ${table}: in the drizzle tables, not in the migrations`);
  for (const [table, code] of Object.entries(inCode)) {
    const db = inDb[table];
    if (!db) continue;
    for (const column of Object.keys(db.columns).filter((c) => !(c in code.columns))) found.push(`${table}.${column}: in the migrations, not in drizzle`);
    for (const column of Object.keys(code.columns).filter((c) => !(c in db.columns))) found.push(`${table}.${column}: in drizzle, not in the migrations`);
    for (const [column, want] of Object.entries(code.columns)) {
      const have = db.columns[column];
      if (!have) continue;
      if (want.type !== have.type) found.push(`${table}.${column}: type ${want.type} in drizzle, ${have.type} in the migrations`);
      if (want.notNull !== have.notNull)
        found.push(`${table}.${column}: ${want.notNull ? "NOT NULL" : "nullable"} in drizzle, ${have.notNull ? "NOT NULL" : "nullable"} in the migrations`);
    }
    if (code.primaryKey.join(",") !== db.primaryKey.join(",")) {
      found.push(`${table}: primary key (${code.primaryKey.join(", ")}) in drizzle, (${db.primaryKey.join(", ")}) in the migrations`);
    }
  }
  return found;
}

describe("schema drift: the migrations and the drizzle tables", () => {
  it("have the same tables, columns, types, NOT NULLs and primary keys", async () => {
    const inCode = drizzleShapes();
    const inDb = await databaseShapes(env.DB);
    expect(Object.keys(inDb).length).toBeGreaterThan(20);
    expect(drift(inCode, inDb)).toEqual([]);
  });

  it("notices a table, a column and a constraint that differ", () => {
    const table = (columns: Record<string, ColumnShape>, primaryKey = ["id"]): TableShape => ({ columns, primaryKey });
    const id = { type: "text", notNull: true };
    const code = { a: table({ id, name: { type: "text", notNull: true } }), only_code: table({ id }) };
    const db = { a: table({ id, name: { type: "text", notNull: false }, extra: { type: "integer", notNull: false } }, ["id", "name"]), only_db: table({ id }) };
    expect(drift(code, db)).toEqual([
      "table only_db: in the migrations, not in the drizzle tables",
      "table only_code: in the drizzle tables, not in the migrations",
      "a.extra: in the migrations, not in drizzle",
      "a.name: NOT NULL in drizzle, nullable in the migrations",
      "a: primary key (id) in drizzle, (id, name) in the migrations",
    ]);
  });
});
