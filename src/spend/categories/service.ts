import { violates } from "../../db/constraints";
import { and, asc, eq, gt, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "../../db/client";
import { iso } from "../../lib/time";
import { conflict, notFound } from "../../http/errors";
import { decodeCursor, paginate } from "../../http/pagination";
import { newSeedId } from "../../lib/ids";
import { spendCategories, spendItems, type SpendCategoryRow } from "../table";
import type { CreateCategory, SpendCategory, UpdateCategory } from "./schemas";

export const toCategory = (row: SpendCategoryRow): SpendCategory => ({
  id: row.id,
  tenantId: row.tenantId,
  name: row.name,
  description: row.description,
  color: row.color,
  createdAt: iso(row.createdAt),
  updatedAt: iso(row.updatedAt),
});

/** `ref` names a category by id or by name (names compare case-insensitively); an id wins. */
const matches = (ref: SQL | string) => or(eq(spendCategories.id, ref), eq(spendCategories.name, ref));

/** SQL for the id of the tenant's category `ref` (id or name), for use inside an INSERT/UPDATE. */
export function categoryIdFor(tenantId: string, ref: SQL | string): SQL {
  return sql`(SELECT ${spendCategories.id} FROM ${spendCategories}
    WHERE ${spendCategories.tenantId} = ${tenantId} AND ${matches(ref)}
    ORDER BY ${spendCategories.id} = ${ref} DESC LIMIT 1)`;
}

/**
 * SQL creating, with defaults, each category `refs` names that the tenant does not have yet:
 * items may name a category that was never created explicitly.
 */
export function ensureCategories(tenantId: string, refs: string[], now: number): SQL {
  const byKey = new Map(refs.map((r) => [r.toLowerCase(), r]));
  const rows = [...byKey.values()].map((name) => ({ id: newSeedId(), name }));
  return sql`
    INSERT INTO ${spendCategories} (id, tenant_id, name, description, color, created_at, updated_at)
    SELECT j.value ->> '$.id', ${tenantId}, j.value ->> '$.name', '', NULL, ${now}, ${now}
    FROM json_each(${JSON.stringify(rows)}) AS j
    WHERE NOT EXISTS (SELECT 1 FROM ${spendCategories} c WHERE c.tenant_id = ${tenantId}
      AND (c.id = j.value ->> '$.name' OR c.name = j.value ->> '$.name'))
    ON CONFLICT DO NOTHING`;
}

export async function createCategory(db: Db, tenantId: string, input: CreateCategory, now: number): Promise<SpendCategory> {
  const rows = await db
    .insert(spendCategories)
    .values({ id: newSeedId(), tenantId, ...input, createdAt: now, updatedAt: now })
    .onConflictDoNothing()
    .returning();
  if (!rows[0]) throw conflict(`A category named ${input.name} already exists`);
  return toCategory(rows[0]);
}

export async function listCategories(db: Db, tenantId: string | null, page: { limit: number; cursor?: string }) {
  const cursor = decodeCursor(page.cursor);
  const rows = await db
    .select()
    .from(spendCategories)
    .where(
      and(
        tenantId === null ? undefined : eq(spendCategories.tenantId, tenantId),
        cursor === undefined
          ? undefined
          : or(gt(spendCategories.name, String(cursor.k)), and(eq(spendCategories.name, String(cursor.k)), gt(spendCategories.id, cursor.id))),
      ),
    )
    .orderBy(asc(spendCategories.name), asc(spendCategories.id))
    .limit(page.limit + 1);
  const { items, nextCursor } = paginate(rows, page.limit, (r) => ({ k: r.name, id: r.id }));
  return { items: items.map(toCategory), nextCursor };
}

/**
 * By id in any visible tenant, or by name within one tenant (`tenantId`, or the caller's own
 * for admins reading across tenants: a name alone does not say whose category it is).
 */
async function findRow(db: Db, tenantId: string | null, nameTenant: string, ref: string): Promise<SpendCategoryRow> {
  const row = await db
    .select()
    .from(spendCategories)
    .where(
      or(
        and(eq(spendCategories.id, ref), tenantId === null ? undefined : eq(spendCategories.tenantId, tenantId)),
        and(eq(spendCategories.name, ref), eq(spendCategories.tenantId, tenantId ?? nameTenant)),
      ),
    )
    .orderBy(sql`${spendCategories.id} = ${ref} DESC`)
    .get();
  if (!row) throw notFound("Category", ref);
  return row;
}

export const getCategory = async (db: Db, tenantId: string | null, nameTenant: string, ref: string) => toCategory(await findRow(db, tenantId, nameTenant, ref));

export async function updateCategory(
  db: Db,
  tenantId: string | null,
  nameTenant: string,
  ref: string,
  input: UpdateCategory,
  now: number,
): Promise<SpendCategory> {
  const existing = await findRow(db, tenantId, nameTenant, ref);
  try {
    const rows = await db
      .update(spendCategories)
      .set({ ...input, updatedAt: now })
      .where(eq(spendCategories.id, existing.id))
      .returning();
    return toCategory(rows[0]!);
  } catch (err) {
    if (violates(err, "UNIQUE constraint failed: spend_categories.tenant_id")) throw conflict(`A category named ${input.name} already exists`);
    throw err;
  }
}

/** Deletes the category; its items stay, with no category (one transaction). */
export async function deleteCategory(db: Db, tenantId: string | null, nameTenant: string, ref: string) {
  const existing = await findRow(db, tenantId, nameTenant, ref);
  const [uncategorized] = await db.batch([
    db
      .update(spendItems)
      .set({ categoryId: null })
      .where(and(eq(spendItems.tenantId, existing.tenantId), eq(spendItems.categoryId, existing.id)))
      // Counted from RETURNING: D1's `changes` also counts the rows its triggers touched.
      .returning({ id: spendItems.id }),
    db.delete(spendCategories).where(eq(spendCategories.id, existing.id)),
  ]);
  return { id: existing.id, deleted: true as const, itemsUncategorized: uncategorized.length };
}
