import { and, asc, eq, gt, isNull, sql } from "drizzle-orm";
import { onRealTime, type TenantFilter } from "../clock";
import type { Db } from "../db/client";
import type { Bindings } from "../env";
import { ApiError } from "../http/errors";
import { log } from "../http/logger";
import { findPlanVersion, getPlanVersion } from "../plans/service";
import { newId } from "../lib/ids";
import { syncMeter } from "./meter-sync";
import { periodContaining } from "./periods";
import { TRIAL_NOTICE_MS } from "./trial-reminders";
import { findSubscription } from "./queries";
import { phaseStatement, planOf, type PlanRef } from "./phases";
import { commitSubscription, type Statement } from "./store";
import { subscriptionPeriods, subscriptions, type PeriodRow, type SubscriptionRow } from "./table";

/**
 * The period close, as far as subscriptions go. When a period ends, `rollOverPeriod`
 * freezes it into `subscription_periods` (what its invoice bills) and, in the same batch,
 * moves the subscription on, in this order at the boundary:
 *   1. a pause due to end by then resumes at its `resumesAt`;
 *   2. cancel-at-period-end cancels (no new period);
 *   3. a trial ends: active, and the billing anchor becomes the trial end;
 *   4. a scheduled plan change applies at the version it was scheduled with (a new
 *      interval re-anchors at the boundary);
 *   5. the next anniversary period opens on the plan now in effect.
 * Each step writes its phase (phases.ts) in the same batch, so billing sees it at its instant.
 */

interface RollOverResult {
  closedPeriod: PeriodRow;
  subscription: SubscriptionRow;
}

/** Longest catch-up in one go (20 years of monthly periods). */
const MAX_CATCH_UP = 240;

/**
 * Brings a subscription up to `now`: rolls over every ended period and applies an
 * auto-resume that is due. Mutations and reads call it first, so nobody acts on a period
 * that is already over while the cron has not run yet.
 */
export async function catchUp(env: Bindings, db: Db, row: SubscriptionRow, now: number): Promise<SubscriptionRow> {
  let current = row;
  let changed = false;
  for (let i = 0; i < MAX_CATCH_UP && isDue(current, now); i++) {
    await rollOverRow(db, current, now).catch(ignoreLostRace);
    current = (await findSubscription(db, row.id))!;
    changed = true;
  }
  if (current.status === "paused" && current.resumesAt !== null && current.resumesAt <= now) {
    current = await resumeRow(db, current, current.resumesAt, now).catch(async (err) => {
      ignoreLostRace(err);
      return (await findSubscription(db, row.id))!;
    });
    changed = true;
  }
  if (changed) await syncMeter(env, db, current);
  return current;
}

/** Resumes a paused subscription at `at` (its resumesAt, or now): the plan's fee accrues again. */
export function resumeRow(db: Db, row: SubscriptionRow, at: number, now: number): Promise<SubscriptionRow> {
  const phase = phaseStatement(db, row, at, { state: "active", plan: planOf(row), fee: planOf(row) }, now);
  return commitSubscription(db, row, { status: "active", pausedAt: null, resumesAt: null }, now, [phase]);
}

const isDue = (row: SubscriptionRow, now: number) => row.status !== "canceled" && row.currentPeriodEnd <= now;

/** Another request rolled the same period over first: that is success, not an error. */
function ignoreLostRace(err: unknown): null {
  if (err instanceof ApiError && err.code === "CONFLICT") return null;
  throw err;
}

async function rollOverRow(db: Db, row: SubscriptionRow, now: number): Promise<RollOverResult> {
  const boundary = row.currentPeriodEnd;
  const closedPeriod: PeriodRow = {
    id: newId("per"),
    subscriptionId: row.id,
    tenantId: row.tenantId,
    periodStart: row.currentPeriodStart,
    periodEnd: boundary,
    planId: row.planId,
    planVersion: row.planVersion,
    currency: row.currency,
    trial: row.status === "trialing",
    endedAt: null,
    closedAt: now,
    invoiceId: null,
  };
  const extra: Statement[] = [db.insert(subscriptionPeriods).values(closedPeriod)];
  const patch: Partial<SubscriptionRow> = { scheduledPlanId: null, scheduledPlanVersion: null, scheduledChangeAt: null };

  let status = row.status;
  if (status === "paused" && row.resumesAt !== null && row.resumesAt <= boundary) {
    extra.push(phaseStatement(db, row, row.resumesAt, { state: "active", plan: planOf(row), fee: planOf(row) }, now));
    Object.assign(patch, { pausedAt: null, resumesAt: null });
    status = "active";
  }

  if (row.cancelAtPeriodEnd) {
    extra.push(phaseStatement(db, row, boundary, { state: "ended", plan: planOf(row), fee: null }, now));
    Object.assign(patch, { status: "canceled", endedAt: boundary, cancelAtPeriodEnd: false, pausedAt: null, resumesAt: null });
    const subscription = await commitSubscription(db, row, patch, now, extra);
    return { closedPeriod, subscription };
  }

  let anchor = row.billingAnchor;
  if (status === "trialing") {
    status = "active";
    anchor = boundary;
  }
  let plan = await getPlanVersion(db, row.planId, row.planVersion);
  const scheduled = row.scheduledPlanId ? await findPlanVersion(db, row.scheduledPlanId, row.scheduledPlanVersion ?? 1) : undefined;
  if (scheduled && (row.scheduledChangeAt ?? boundary) <= boundary) {
    if (scheduled.interval !== plan.interval) anchor = boundary;
    plan = scheduled;
  }
  const next = periodContaining(anchor, boundary, plan.interval);
  const ref: PlanRef = { planId: plan.id, version: plan.version };
  // The new period starts on the plan in effect, its fee accruing unless still paused.
  const phase = status === "paused" ? { state: "paused" as const, plan: ref, fee: null } : { state: "active" as const, plan: ref, fee: ref };
  extra.push(phaseStatement(db, row, boundary, phase, now));
  Object.assign(patch, {
    status,
    planId: plan.id,
    planVersion: plan.version,
    billingAnchor: anchor,
    currentPeriodStart: next.start,
    currentPeriodEnd: next.end,
  });
  const subscription = await commitSubscription(db, row, patch, now, extra);
  return { closedPeriod, subscription };
}

/** Closed periods no invoice has billed yet, oldest first: the invoicing work list. */
export async function listPeriodsToInvoice(db: Db, limit = 100, tenants: string | TenantFilter = onRealTime): Promise<PeriodRow[]> {
  return db
    .select()
    .from(subscriptionPeriods)
    .where(
      and(
        isNull(subscriptionPeriods.invoiceId),
        typeof tenants === "string" ? eq(subscriptionPeriods.tenantId, tenants) : tenants(subscriptionPeriods.tenantId),
      ),
    )
    .orderBy(asc(subscriptionPeriods.closedAt), asc(subscriptionPeriods.id))
    .limit(limit);
}

/**
 * The scheduled job: rolls over every due subscription of `tenants` and resumes every pause
 * whose `resumesAt` has come. Safe to run as often as wanted, and concurrently.
 */
export async function advanceSubscriptions(env: Bindings, db: Db, now: number, tenants: TenantFilter = onRealTime): Promise<{ advanced: number }> {
  const PAGE = 100;
  let advanced = 0;
  let after = "";
  for (;;) {
    const due = await db
      .select()
      .from(subscriptions)
      .where(
        and(
          gt(subscriptions.id, after),
          tenants(subscriptions.tenantId),
          sql`((${subscriptions.currentPeriodEnd} <= ${now} AND ${subscriptions.status} <> 'canceled')
            OR (${subscriptions.status} = 'paused' AND ${subscriptions.resumesAt} <= ${now}))`,
        ),
      )
      .orderBy(asc(subscriptions.id))
      .limit(PAGE);
    for (const row of due) {
      // One subscription that cannot be advanced must not hold up the others.
      await catchUp(env, db, row, now).catch((err: Error) =>
        log("error", "subscription roll-over failed", { subscriptionId: row.id, tenant: row.tenantId, error: err.message }),
      );
    }
    advanced += due.length;
    if (due.length < PAGE) return { advanced };
    after = due[due.length - 1]!.id;
  }
}

/**
 * The first instant after `after` at which a subscription of `tenants` has something due: a
 * period end (roll-over, trial end, scheduled change, cancellation), an auto-resume, or a
 * trial's three-day notice. A test clock advances from one such instant to the next.
 */
export async function nextSubscriptionEvent(db: Db, tenants: TenantFilter, after: number): Promise<number | null> {
  const [row] = await db
    .select({
      at: sql<number | null>`MIN(CASE
        WHEN ${subscriptions.status} = 'paused' AND ${subscriptions.resumesAt} > ${after} AND ${subscriptions.resumesAt} < ${subscriptions.currentPeriodEnd}
          THEN ${subscriptions.resumesAt}
        WHEN ${subscriptions.status} = 'trialing' AND ${subscriptions.trialEnd} - ${TRIAL_NOTICE_MS} > ${after}
          THEN ${subscriptions.trialEnd} - ${TRIAL_NOTICE_MS}
        WHEN ${subscriptions.currentPeriodEnd} > ${after} THEN ${subscriptions.currentPeriodEnd}
      END)`,
    })
    .from(subscriptions)
    .where(and(sql`${subscriptions.status} <> 'canceled'`, tenants(subscriptions.tenantId)));
  return row?.at ?? null;
}
