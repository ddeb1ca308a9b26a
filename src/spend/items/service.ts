import { violates } from "../../db/constraints";
import { and, desc, eq, getTableColumns, lt, or, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { iso } from "../../lib/time";
import { conflict, notFound } from "../../http/errors";
import { decodeCursor, paginate } from "../../http/pagination";
import { reportingCurrency } from "../currency";
import { ensureCategories, categoryIdFor } from "../categories/service";
import { inJson, itemWhere, type SpendFilter } from "../filters";
import { statement, transaction } from "../d1";
import { newSeedId } from "../../lib/ids";
import { spendCategories, spendItems, type SpendItemRow } from "../table";
import type { CreateItem, SpendItem, UpdateItem } from "./schemas";

/** An item row with its category's name, as every item read selects it. */
export type ItemWithCategory = SpendItemRow & { categoryName: string | null };

export function selectItems(db: Db) {
  return db
    .select({ ...getTableColumns(spendItems), categoryName: spendCategories.name })
    .from(spendItems)
    .leftJoin(spendCategories, eq(spendCategories.id, spendItems.categoryId));
}

export const toItem = (row: ItemWithCategory): SpendItem => ({
  id: row.id,
  tenantId: row.tenantId,
  name: row.name,
  amount: row.amount,
  currency: row.currency,
  provider: row.provider,
  providerRef: row.providerRef,
  tags: row.tags,
  description: row.description,
  recurring: row.recurring,
  period: row.period,
  date: iso(row.date),
  category: row.categoryName,
  categoryId: row.categoryId,
  service: row.service,
  stageApp: row.stageApp,
  author: row.author,
  syncJobId: row.syncJobId,
  createdAt: iso(row.createdAt),
  updatedAt: iso(row.updatedAt),
});

const byId = (id: string, tenantId: string | null) =>
  tenantId === null ? eq(spendItems.id, id) : and(eq(spendItems.id, id), eq(spendItems.tenantId, tenantId));

/**
 * Creates items atomically (all or none): referenced categories that do not exist yet are
 * created, and a (provider, providerRef) pair already taken in the tenant is a 409.
 * One INSERT … SELECT over a JSON array: a bulk request is two statements in one transaction,
 * not one per item, and stays under D1's limit of 100 bound parameters per statement.
 */
export async function createItems(db: Db, tenantId: string, author: string, inputs: CreateItem[], now: number): Promise<SpendItem[]> {
  const rows = inputs.map((input) => ({
    id: newSeedId(),
    name: input.name,
    amount: input.amount,
    currency: input.currency ?? null,
    provider: input.provider,
    providerRef: input.providerRef ?? null,
    service: input.service ?? null,
    category: input.category ?? null,
    tags: input.tags,
    description: input.description,
    recurring: input.recurring ? 1 : 0,
    period: input.period ?? null,
    stageApp: input.stageApp ?? null,
    date: input.date?.ms ?? now,
  }));
  const ids = rows.map((r) => r.id);
  const j = (field: string) => sql.raw(`j.value ->> '$.${field}'`);
  const insert = sql`
    INSERT INTO spend_items (id, tenant_id, name, amount, currency, provider, provider_ref, service, category_id,
      tags, description, recurring, period, stage_app, author, date, created_at, updated_at)
    SELECT ${j("id")}, ${tenantId}, ${j("name")}, ${j("amount")},
      COALESCE(${j("currency")}, ${await reportingCurrency(db, tenantId)}),
      ${j("provider")}, ${j("providerRef")}, ${j("service")}, ${categoryIdFor(tenantId, j("category"))},
      json(j.value -> '$.tags'), ${j("description")}, ${j("recurring")}, ${j("period")}, ${j("stageApp")},
      ${author}, ${j("date")}, ${now}, ${now}
    FROM json_each(${JSON.stringify(rows)}) AS j`;
  const categories = rows.flatMap((r) => (r.category ? [r.category] : []));
  try {
    // One transaction: a taken providerRef rolls back the new categories too.
    await transaction(db, [...(categories.length ? [statement(db, ensureCategories(tenantId, categories, now))] : []), statement(db, insert)]);
  } catch (err) {
    if (violates(err, "UNIQUE constraint failed: spend_items.tenant_id")) throw await refConflict(db, tenantId, inputs);
    throw err;
  }
  const created = await selectItems(db).where(inJson(spendItems.id, ids));
  const order = new Map(ids.map((id, i) => [id, i]));
  return created.sort((a, b) => order.get(a.id)! - order.get(b.id)!).map(toItem);
}

async function refConflict(db: Db, tenantId: string, inputs: CreateItem[]) {
  const refs = inputs.flatMap((i) => (i.providerRef ? [{ provider: i.provider, providerRef: i.providerRef }] : []));
  const taken = refs.length
    ? await db
        .select({ id: spendItems.id, provider: spendItems.provider, providerRef: spendItems.providerRef })
        .from(spendItems)
        .where(
          and(
            eq(spendItems.tenantId, tenantId),
            inJson(
              sql`${spendItems.provider} || char(31) || ${spendItems.providerRef}`,
              refs.map((r) => `${r.provider}\u001f${r.providerRef}`),
            ),
          ),
        )
    : [];
  const first = taken[0] ?? refs[0];
  return conflict(
    first ? `An item with provider ${first.provider} and providerRef ${first.providerRef} already exists` : "Item already exists",
    taken.map((t) => ({ id: t.id, provider: t.provider, providerRef: t.providerRef })),
  );
}

export async function listItems(db: Db, filter: SpendFilter, page: { limit: number; cursor?: string }) {
  const cursor = decodeCursor(page.cursor);
  const after =
    cursor === undefined ? undefined : or(lt(spendItems.date, Number(cursor.k)), and(eq(spendItems.date, Number(cursor.k)), lt(spendItems.id, cursor.id)));
  const rows = await selectItems(db)
    .where(and(itemWhere(filter), after))
    .orderBy(desc(spendItems.date), desc(spendItems.id))
    .limit(page.limit + 1);
  const { items, nextCursor } = paginate(rows, page.limit, (r) => ({ k: r.date, id: r.id }));
  return { items: items.map(toItem), nextCursor };
}

async function findRow(db: Db, tenantId: string | null, id: string): Promise<ItemWithCategory> {
  const row = await selectItems(db).where(byId(id, tenantId)).get();
  if (!row) throw notFound("Item", id);
  return row;
}

export const getItem = async (db: Db, tenantId: string | null, id: string) => toItem(await findRow(db, tenantId, id));

export async function findByProviderRef(db: Db, tenantId: string, provider: string, providerRef: string): Promise<SpendItem> {
  const row = await selectItems(db)
    .where(and(eq(spendItems.tenantId, tenantId), eq(spendItems.provider, provider), eq(spendItems.providerRef, providerRef)))
    .get();
  if (!row) throw notFound("Item", `${provider}/${providerRef}`);
  return toItem(row);
}

export async function updateItem(db: Db, tenantId: string | null, id: string, input: UpdateItem, now: number): Promise<SpendItem> {
  const existing = await findRow(db, tenantId, id);
  const { category, date, ...fields } = input;
  const set = {
    ...fields,
    ...(date === undefined ? {} : { date: date.ms }),
    ...(category === undefined ? {} : { categoryId: category === null ? null : categoryIdFor(existing.tenantId, category) }),
    updatedAt: now,
  };
  const update = db.update(spendItems).set(set).where(eq(spendItems.seq, existing.seq));
  try {
    await transaction(db, [...(category ? [statement(db, ensureCategories(existing.tenantId, [category], now))] : []), statement(db, update)]);
  } catch (err) {
    if (violates(err, "UNIQUE constraint failed: spend_items.tenant_id")) {
      throw conflict(
        `An item with provider ${input.provider ?? existing.provider} and providerRef ${input.providerRef ?? existing.providerRef} already exists`,
      );
    }
    throw err;
  }
  return toItem(await findRow(db, existing.tenantId, id));
}

export async function deleteItem(db: Db, tenantId: string | null, id: string): Promise<{ id: string; deleted: true }> {
  const gone = await db.delete(spendItems).where(byId(id, tenantId)).returning({ id: spendItems.id });
  if (!gone.length) throw notFound("Item", id);
  return { id, deleted: true };
}
