import { and, asc, desc, eq, gt, isNotNull, lt, lte, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import type { Bindings } from "../env";
import type { Statement } from "./store";
import { subscriptionPhases, type NewPhase, type PhaseRow, type PhaseState, type SubscriptionRow } from "./table";

/**
 * The append-only history billing reads (migrations/0080): every change that matters to a
 * charge writes a phase, in the same batch as the change, at the instant it takes effect.
 * Nothing here is ever updated, so an ended period bills the same whenever it is computed.
 */

export interface PlanRef {
  planId: string;
  version: number;
}

export const planOf = (row: Pick<SubscriptionRow, "planId" | "planVersion">): PlanRef => ({ planId: row.planId, version: row.planVersion });

export interface PhaseChange {
  state: PhaseState;
  /** The plan version that prices usage from `at`. */
  plan: PlanRef;
  /** Whose base fee accrues from `at`; null for none. */
  fee: PlanRef | null;
}

export function phaseStatement(db: Db, row: Pick<SubscriptionRow, "id" | "tenantId" | "projectId">, at: number, change: PhaseChange, now: number): Statement {
  const phase: NewPhase = {
    subscriptionId: row.id,
    tenantId: row.tenantId,
    projectId: row.projectId,
    startsAt: at,
    state: change.state,
    planId: change.plan.planId,
    planVersion: change.plan.version,
    feePlanId: change.fee?.planId ?? null,
    feePlanVersion: change.fee?.version ?? null,
    createdAt: now,
  };
  return db.insert(subscriptionPhases).values(phase);
}

export const feeOf = (p: PhaseRow): PlanRef | null =>
  p.feePlanId === null || p.feePlanVersion === null ? null : { planId: p.feePlanId, version: p.feePlanVersion };

/** The phase in force at `at` (the latest that started by then). */
export async function phaseAt(db: Db, subscriptionId: string, at: number): Promise<PhaseRow | undefined> {
  return db
    .select()
    .from(subscriptionPhases)
    .where(and(eq(subscriptionPhases.subscriptionId, subscriptionId), lte(subscriptionPhases.startsAt, at)))
    .orderBy(desc(subscriptionPhases.startsAt), desc(subscriptionPhases.seq))
    .get();
}

/** The phases in force during [from, to): the one at `from`, then each that starts inside, in order. */
export async function phasesDuring(db: Db, subscriptionId: string, from: number, to: number): Promise<PhaseRow[]> {
  const [first, inside] = await Promise.all([
    phaseAt(db, subscriptionId, from),
    db
      .select()
      .from(subscriptionPhases)
      .where(and(eq(subscriptionPhases.subscriptionId, subscriptionId), gt(subscriptionPhases.startsAt, from), lt(subscriptionPhases.startsAt, to)))
      .orderBy(asc(subscriptionPhases.startsAt), asc(subscriptionPhases.seq)),
  ]);
  return first ? [first, ...inside] : inside;
}

/** When a project subscription claimed its project: from its first phase until it ended (null: still). */
export interface ProjectClaim {
  projectId: string;
  from: number;
  to: number | null;
}

/** The claims of the tenant's project subscriptions that overlap [from, to). */
export async function projectClaims(db: Db, tenantId: string, from: number, to: number): Promise<ProjectClaim[]> {
  const rows = await db
    .select({
      projectId: subscriptionPhases.projectId,
      from: sql<number>`min(${subscriptionPhases.startsAt})`,
      to: sql<number | null>`min(CASE WHEN ${subscriptionPhases.state} = 'ended' THEN ${subscriptionPhases.startsAt} END)`,
    })
    .from(subscriptionPhases)
    .where(and(eq(subscriptionPhases.tenantId, tenantId), isNotNull(subscriptionPhases.projectId)))
    .groupBy(subscriptionPhases.subscriptionId);
  return rows.filter((r) => r.from < to && (r.to === null || r.to > from)).map((r) => ({ projectId: r.projectId!, from: r.from, to: r.to }));
}

/**
 * Every change cuts the tenant's meter buckets at its instant before it is committed (see
 * TenantMeter.cut), so the usage on each side of it can be read apart exactly.
 */
export async function cutMeter(env: Bindings, tenantId: string, at: number): Promise<void> {
  await env.TENANT_METER.getByName(tenantId).cut(at);
}
