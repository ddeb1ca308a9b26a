import { and, asc, eq } from "drizzle-orm";
import type { Db } from "../db/client";
import { violates } from "../db/constraints";
import { iso } from "../lib/time";
import { badRequest, conflict, notFound } from "../http/errors";
import { featureIssues, type CreatePlan, type Plan, type UpdatePlan } from "./schemas";
import { plans, planVersions, type PlanRow, type PlanVersionRow } from "./table";

/**
 * Plans are versioned: `plans` holds the current version's fields, `plan_versions` every
 * version ever written, and a written version never changes. A subscription bills at the
 * version it is on (see subscriptions/segments.ts), so editing a plan never re-prices a
 * running or ended period; subscribers move to a new version only by a migration or a
 * plan change.
 */

const VERSIONED = ["name", "description", "currency", "basePrice", "interval", "trialDays", "trialUsage", "meters", "features"] as const;

export const toPlan = (row: PlanRow): Plan => ({
  id: row.id,
  name: row.name,
  description: row.description,
  currency: row.currency,
  basePrice: row.basePrice,
  interval: row.interval,
  trialDays: row.trialDays,
  trialUsage: row.trialUsage,
  meters: row.meters,
  features: row.features,
  version: row.version,
  active: row.active,
  createdAt: iso(row.createdAt),
  updatedAt: iso(row.updatedAt),
});

/** A stored version, in the Plan shape (`active` and `updatedAt` are the head's). */
const versionAsPlan = (v: PlanVersionRow, head: PlanRow): Plan => ({
  ...toPlan(head),
  ...Object.fromEntries(VERSIONED.map((k) => [k, v[k]])),
  version: v.version,
  createdAt: iso(v.createdAt),
});

export async function listPlans(db: Db, opts: { includeInactive: boolean }): Promise<Plan[]> {
  const rows = await db
    .select()
    .from(plans)
    .where(opts.includeInactive ? undefined : eq(plans.active, true))
    .orderBy(asc(plans.basePrice), asc(plans.id));
  return rows.map(toPlan);
}

/** The current version of a plan. */
export async function findPlan(db: Db, id: string): Promise<Plan | undefined> {
  const row = await db.select().from(plans).where(eq(plans.id, id)).get();
  return row && toPlan(row);
}

export async function getPlan(db: Db, id: string): Promise<Plan> {
  const plan = await findPlan(db, id);
  if (!plan) throw notFound("Plan", id);
  return plan;
}

/** One version of a plan: what a subscription on it is billed at. */
export async function findPlanVersion(db: Db, id: string, version: number): Promise<Plan | undefined> {
  const head = await db.select().from(plans).where(eq(plans.id, id)).get();
  if (!head) return undefined;
  if (head.version === version) return toPlan(head);
  const row = await db
    .select()
    .from(planVersions)
    .where(and(eq(planVersions.planId, id), eq(planVersions.version, version)))
    .get();
  return row && versionAsPlan(row, head);
}

export async function getPlanVersion(db: Db, id: string, version: number): Promise<Plan> {
  const plan = await findPlanVersion(db, id, version);
  if (!plan) throw notFound("Plan version", `${id} v${version}`);
  return plan;
}

/** Memoises version look-ups for one computation (an invoice reads the same few versions). */
export function planVersionCache(db: Db): (ref: { planId: string; version: number }) => Promise<Plan> {
  const seen = new Map<string, Promise<Plan>>();
  return ({ planId, version }) => {
    const key = `${planId}@${version}`;
    let plan = seen.get(key);
    if (!plan) seen.set(key, (plan = getPlanVersion(db, planId, version)));
    return plan;
  };
}

export async function createPlan(db: Db, input: CreatePlan, now: number): Promise<Plan> {
  const head = { ...input, version: 1, createdAt: now, updatedAt: now };
  try {
    await db.batch([db.insert(plans).values(head), db.insert(planVersions).values(versionRow(input.id, 1, input, now))]);
  } catch (err) {
    if (violates(err, "plans.id", "plan_versions.plan_id")) throw conflict(`Plan already exists: ${input.id}`);
    throw err;
  }
  return getPlan(db, input.id);
}

/**
 * Merges `input` over the current version. A change to any priced or described field writes
 * a new version (the old one stays as it was for its subscribers); `active` alone retires or
 * re-offers the plan without a new version. Two concurrent edits cannot both take the same
 * version number: the second batch fails on the (plan, version) key and answers 409.
 */
export async function updatePlan(db: Db, id: string, input: UpdatePlan, now: number): Promise<Plan> {
  const head = await db.select().from(plans).where(eq(plans.id, id)).get();
  if (!head) throw notFound("Plan", id);
  const next = { ...head, ...Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) } as PlanRow;
  const issues = featureIssues(next.features, next.meters);
  if (issues.length > 0) {
    const details = issues.map((i) => ({ path: i.path.join("."), message: i.message, code: "custom" }));
    throw badRequest(`Invalid ${details[0]!.path}: ${details[0]!.message}`, details);
  }
  const changed = VERSIONED.some((k) => JSON.stringify(next[k]) !== JSON.stringify(head[k]));
  if (!changed) {
    if (next.active === head.active) return toPlan(head);
    await db.update(plans).set({ active: next.active, updatedAt: now }).where(eq(plans.id, id));
    return getPlan(db, id);
  }
  const version = head.version + 1;
  try {
    await db.batch([
      db.insert(planVersions).values(versionRow(id, version, next, now)),
      db
        .update(plans)
        .set({ ...Object.fromEntries(VERSIONED.map((k) => [k, next[k]])), active: next.active, version, updatedAt: now })
        .where(and(eq(plans.id, id), eq(plans.version, head.version))),
    ]);
  } catch (err) {
    if (violates(err, "plan_versions.plan_id")) throw conflict(`Plan ${id} was changed by another request at the same time; fetch it and retry`);
    throw err;
  }
  return getPlan(db, id);
}

function versionRow(planId: string, version: number, p: Pick<PlanRow, (typeof VERSIONED)[number]>, now: number): PlanVersionRow {
  return {
    planId,
    version,
    name: p.name,
    description: p.description,
    currency: p.currency,
    basePrice: p.basePrice,
    interval: p.interval,
    trialDays: p.trialDays,
    trialUsage: p.trialUsage,
    meters: p.meters,
    features: p.features,
    createdAt: now,
  };
}
