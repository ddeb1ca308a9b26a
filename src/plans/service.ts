import { asc, eq } from "drizzle-orm";
import type { Db } from "../db/client";
import { iso } from "../lib/time";
import { conflict, notFound } from "../http/errors";
import type { CreatePlan, Plan, UpdatePlan } from "./schemas";
import { plans, type PlanRow } from "./table";

export const toPlan = (row: PlanRow): Plan => ({
  id: row.id,
  name: row.name,
  description: row.description,
  currency: row.currency,
  basePrice: row.basePrice,
  interval: row.interval,
  trialDays: row.trialDays,
  meters: row.meters,
  active: row.active,
  createdAt: iso(row.createdAt),
  updatedAt: iso(row.updatedAt),
});

export async function listPlans(db: Db, opts: { includeInactive: boolean }): Promise<Plan[]> {
  const rows = await db
    .select()
    .from(plans)
    .where(opts.includeInactive ? undefined : eq(plans.active, true))
    .orderBy(asc(plans.basePrice), asc(plans.id));
  return rows.map(toPlan);
}

export async function findPlan(db: Db, id: string): Promise<Plan | undefined> {
  const row = await db.select().from(plans).where(eq(plans.id, id)).get();
  return row && toPlan(row);
}

export async function getPlan(db: Db, id: string): Promise<Plan> {
  const plan = await findPlan(db, id);
  if (!plan) throw notFound("Plan", id);
  return plan;
}

export async function createPlan(db: Db, input: CreatePlan, now: number): Promise<Plan> {
  const rows = await db
    .insert(plans)
    .values({ ...input, createdAt: now, updatedAt: now })
    .onConflictDoNothing()
    .returning();
  if (!rows[0]) throw conflict(`Plan already exists: ${input.id}`);
  return toPlan(rows[0]);
}

export async function updatePlan(db: Db, id: string, input: UpdatePlan, now: number): Promise<Plan> {
  const rows = await db
    .update(plans)
    .set({ ...input, updatedAt: now })
    .where(eq(plans.id, id))
    .returning();
  if (!rows[0]) throw notFound("Plan", id);
  return toPlan(rows[0]);
}
