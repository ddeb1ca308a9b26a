import { violates } from "../db/constraints";
import { ownedBy } from "../db/owned";
import { and, asc, eq } from "drizzle-orm";
import type { Db } from "../db/client";
import { iso } from "../lib/time";
import { ownerOf } from "../http/auth";
import { conflict, notFound } from "../http/errors";
import { afterCursor, decodeCursor, paginate } from "../http/pagination";
import type { Principal } from "../env";
import { newId } from "../lib/ids";
import type { CostCenter, CreateCostCenter, UpdateCostCenter } from "./schemas";
import { costCenters, type CostCenterRow } from "./table";

const toCostCenter = (row: CostCenterRow): CostCenter => ({
  id: row.id,
  tenantId: row.tenantId,
  name: row.name,
  code: row.code,
  description: row.description,
  ownerEmail: row.ownerEmail,
  budget: row.budgetAmount === null ? null : { amount: row.budgetAmount, currency: row.budgetCurrency! },
  tags: row.tags,
  active: row.active,
  createdAt: iso(row.createdAt),
  updatedAt: iso(row.updatedAt),
});

const budgetColumns = (budget: CreateCostCenter["budget"] | undefined) =>
  budget === undefined ? {} : { budgetAmount: budget?.amount ?? null, budgetCurrency: budget?.currency ?? null };

export async function createCostCenter(db: Db, tenantId: string, input: CreateCostCenter, now: number): Promise<CostCenter> {
  const { budget, tenantId: _ignored, ...rest } = input;
  try {
    const [row] = await db
      .insert(costCenters)
      .values({ id: newId("cc"), tenantId, ...rest, ...budgetColumns(budget), createdAt: now, updatedAt: now })
      .returning();
    return toCostCenter(row!);
  } catch (err) {
    if (violates(err, "UNIQUE")) throw conflict("A cost center with this name or code already exists");
    throw err;
  }
}

export async function listCostCenters(db: Db, tenantId: string, page: { limit: number; cursor?: string }) {
  const after = decodeCursor(page.cursor);
  const rows = await db
    .select()
    .from(costCenters)
    .where(and(eq(costCenters.tenantId, tenantId), afterCursor(after, costCenters.createdAt, costCenters.id, "asc")))
    .orderBy(asc(costCenters.createdAt), asc(costCenters.id))
    .limit(page.limit + 1);
  const { items, nextCursor } = paginate(rows, page.limit, (r) => ({ k: r.createdAt, id: r.id }));
  return { items: items.map(toCostCenter), nextCursor };
}

/** Another tenant's id answers 404, exactly like a missing one. */
async function findRow(db: Db, id: string, principal: Principal): Promise<CostCenterRow> {
  const row = await db
    .select()
    .from(costCenters)
    .where(and(eq(costCenters.id, id), ownedBy(costCenters.tenantId, ownerOf(principal))))
    .get();
  if (!row) throw notFound("Cost center", id);
  return row;
}

export async function getCostCenter(db: Db, id: string, principal: Principal): Promise<CostCenter> {
  return toCostCenter(await findRow(db, id, principal));
}

export async function updateCostCenter(db: Db, id: string, principal: Principal, input: UpdateCostCenter, now: number): Promise<CostCenter> {
  const row = await findRow(db, id, principal);
  const { budget, ...rest } = input;
  try {
    const [updated] = await db
      .update(costCenters)
      .set({ ...rest, ...budgetColumns(budget), updatedAt: now })
      .where(eq(costCenters.id, row.id))
      .returning();
    return toCostCenter(updated!);
  } catch (err) {
    if (violates(err, "UNIQUE")) throw conflict("A cost center with this name or code already exists");
    throw err;
  }
}

/** Usage already attributed to the cost center keeps its costCenterId in the rollups. */
export async function deleteCostCenter(db: Db, id: string, principal: Principal): Promise<{ id: string; deleted: true }> {
  const row = await findRow(db, id, principal);
  await db.delete(costCenters).where(eq(costCenters.id, row.id));
  return { id: row.id, deleted: true };
}
