import { and, asc, eq, ne } from "drizzle-orm";
import type { Db } from "../db/client";
import { DAY_MS, iso, isoDay } from "../lib/time";
import type { Bindings } from "../env";
import { badRequest, conflict, invalidState, notFound } from "../http/errors";
import { getPlan, getPlanVersion } from "../plans/service";
import type { Plan } from "../plans/schemas";
import { splitPeriod } from "../pricing/proration";
import { ensureTenantStatement } from "../tenants/service";
import { redeemableCoupon, redemptionFailure, redemptionStatements } from "../coupons";
import { newId } from "../lib/ids";
import { subscriptionCreatedStatements } from "./events";
import { assertTransition } from "./lifecycle";
import { syncMeter } from "./meter-sync";
import { addInterval, periodContaining } from "./periods";
import { cutMeter, phaseAt, phaseStatement, planOf, feeOf, type PlanRef } from "./phases";
import { findLiveSubscription, findOwnedSubscription, listSubscriptionRows, liveSubscriptionId, presentSubscription, presentSubscriptions } from "./queries";
import { catchUp, resumeRow } from "./rollover";
import type {
  CancelSubscription,
  ChangePlan,
  CreateSubscription,
  MigratePlan,
  PauseSubscription,
  Proration,
  Subscription,
  SubscriptionChange,
} from "./schemas";
import { periodSegments, type Segment } from "./segments";
import { commitSubscription, subscriptionWriteError } from "./store";
import { subscriptionPeriods, subscriptions, type SubscriptionRow, type SubscriptionStatus } from "./table";

/**
 * Who is acting: `owner` is the tenant whose subscriptions the caller may touch (null for
 * an admin: any tenant), `actor` the token subject recorded on what it creates.
 */
export interface Caller {
  owner: string | null;
  admin: boolean;
  actor: string;
}

/** Clock skew allowed on `startAt`: a start "now" from a slightly fast client is not in the future. */
const START_SKEW_MS = 5 * 60_000;

async function activePlan(db: Db, planId: string): Promise<Plan> {
  const plan = await getPlan(db, planId);
  if (!plan.active) throw conflict(`Plan ${plan.id} is retired and cannot be subscribed to`);
  return plan;
}

/** A subscription the caller may see, brought up to `now` (ended periods rolled over). */
async function loadCurrent(env: Bindings, db: Db, owner: string | null, id: string, now: number): Promise<SubscriptionRow> {
  return catchUp(env, db, await findOwnedSubscription(db, id, owner), now);
}

/** After every state change: the meter learns the new state, the caller gets the result. */
async function settle(env: Bindings, db: Db, row: SubscriptionRow): Promise<Subscription> {
  await syncMeter(env, db, row);
  return presentSubscription(db, row);
}

async function settleChange(env: Bindings, db: Db, row: SubscriptionRow, prorations: Proration[] = []): Promise<SubscriptionChange> {
  return { ...(await settle(env, db, row)), prorations };
}

/** A dry run's answer: the subscription as `patch` would leave it (nothing is written). */
async function wouldBe(db: Db, row: SubscriptionRow, patch: Partial<SubscriptionRow>, prorations: Proration[] = []): Promise<SubscriptionChange> {
  return { ...(await presentSubscription(db, { ...row, ...patch })), prorations };
}

/**
 * What a change at `at` does to the period's base fee, for the caller to show: the old fee's
 * slice of the rest of the period credited, the new one's charged. Both come from the same
 * split the invoice makes (billing.ts), so they are exactly what it will say.
 */
async function prorationsOf(db: Db, row: SubscriptionRow, at: number, from: PlanRef | null, to: PlanRef | null): Promise<Proration[]> {
  const period = { start: row.currentPeriodStart, end: row.currentPeriodEnd };
  const rest = { periodStart: iso(at), periodEnd: iso(row.currentPeriodEnd) };
  const out: Proration[] = [];
  if (from && to && from.planId === to.planId && from.version === to.version) return out;
  for (const [ref, sign] of [
    [from, -1],
    [to, 1],
  ] as const) {
    if (!ref) continue;
    const plan = await getPlanVersion(db, ref.planId, ref.version);
    const amount = splitPeriod(plan.basePrice, period, [at]).find((s) => s.start === at)?.amount ?? 0;
    if (amount === 0) continue;
    const description = sign < 0 ? `Unused time on ${plan.name} from ${isoDay(at)}` : `Remaining time on ${plan.name} from ${isoDay(at)}`;
    out.push({ description, amount: sign * amount, currency: row.currency, planId: plan.id, ...rest });
  }
  return out;
}

// ── create and read ────────────────────────────────────────────────────────────

/**
 * Trial: the plan's trial days from the start (unless `trial: false`); the trial is its own
 * period and the billing anchor is its end. Without one, periods are anniversaries of the
 * start. A start in the past (a migrated customer) lands in the period containing now; the
 * periods before it are not billed here.
 */
export async function createSubscription(
  db: Db,
  env: Bindings,
  tenantId: string,
  input: CreateSubscription,
  actor: string,
  now: number,
): Promise<Subscription> {
  const plan = await activePlan(db, input.planId);
  const start = input.startAt ?? now;
  if (start > now + START_SKEW_MS) {
    throw badRequest("startAt must not lie in the future", [{ path: "startAt", message: "must not lie in the future", code: "custom" }]);
  }
  if (input.trial === true && plan.trialDays === 0) {
    throw badRequest(`Plan ${plan.id} has no trial`, [{ path: "trial", message: "the plan has no trial days", code: "custom" }]);
  }
  const trialEnd = input.trial !== false && plan.trialDays > 0 ? start + plan.trialDays * DAY_MS : null;
  const trialing = trialEnd !== null && trialEnd > now;
  const anchor = trialEnd ?? start;
  const period = trialing ? { start, end: trialEnd } : periodContaining(anchor, Math.max(now, anchor), plan.interval);

  const row: SubscriptionRow = {
    id: newId("sub"),
    tenantId,
    projectId: input.projectId ?? null,
    productId: input.productId ?? null,
    planId: plan.id,
    planVersion: plan.version,
    currency: plan.currency,
    status: trialing ? "trialing" : "active",
    billingAnchor: anchor,
    currentPeriodStart: period.start,
    currentPeriodEnd: period.end,
    trialStart: trialEnd === null ? null : start,
    trialEnd,
    cancelAtPeriodEnd: false,
    canceledAt: null,
    endedAt: null,
    pausedAt: null,
    resumesAt: null,
    scheduledPlanId: null,
    scheduledPlanVersion: null,
    scheduledChangeAt: null,
    reactivatedFrom: null,
    version: 0,
    createdAt: now,
    updatedAt: now,
  };
  const ref = planOf(row);
  const coupon = input.couponCode ? await redeemableCoupon(db, input.couponCode, tenantId, plan, now) : undefined;
  const redemption = coupon
    ? redemptionStatements(db, {
        coupon,
        tenantId,
        subscriptionId: row.id,
        liveSubscriptionId: liveSubscriptionId(row.id),
        interval: plan.interval,
        createdBy: actor,
        now,
      })
    : undefined;
  await cutMeter(env, tenantId, period.start);
  try {
    await db.batch([
      ensureTenantStatement(db, tenantId, now),
      db.insert(subscriptions).values(row),
      phaseStatement(db, row, period.start, trialing ? { state: "trial", plan: ref, fee: null } : { state: "active", plan: ref, fee: ref }, now),
      ...(redemption?.statements ?? []),
      ...subscriptionCreatedStatements(db, row, now),
    ]);
  } catch (err) {
    throw (coupon && (await redemptionFailure(db, err, coupon, now))) ?? subscriptionWriteError(err);
  }
  return settle(env, db, row);
}

export async function getSubscription(env: Bindings, db: Db, owner: string | null, id: string, now: number): Promise<Subscription> {
  return presentSubscription(db, await loadCurrent(env, db, owner, id, now));
}

/** The tenant's live subscription (see findLiveSubscription), or 404. */
export async function getLiveSubscription(env: Bindings, db: Db, tenantId: string, projectId: string | undefined, now: number): Promise<Subscription> {
  const row = await findLiveSubscription(db, tenantId, projectId);
  if (!row) throw notFound("Active subscription for tenant", projectId ? `${tenantId} (project ${projectId})` : tenantId);
  const current = await catchUp(env, db, row, now);
  if (current.status === "canceled") throw notFound("Active subscription for tenant", tenantId);
  return presentSubscription(db, current);
}

/** The plan version and current period of a live subscription, as `liveSubscriptionPeriod` finds it. */
export interface LivePeriod {
  subscriptionId: string;
  planId: string;
  planVersion: number;
  periodStart: number;
  periodEnd: number;
}

/**
 * The tenant's live subscription (see findLiveSubscription) brought up to `now`, or undefined
 * when it has none. Unlike getLiveSubscription it does not refuse one that the catch-up has
 * just ended: its last period is still the one `now` is measured against.
 */
export async function liveSubscriptionPeriod(env: Bindings, db: Db, tenantId: string, now: number): Promise<LivePeriod | undefined> {
  const row = await findLiveSubscription(db, tenantId);
  if (!row) return undefined;
  const current = await catchUp(env, db, row, now);
  return {
    subscriptionId: current.id,
    planId: current.planId,
    planVersion: current.planVersion,
    periodStart: current.currentPeriodStart,
    periodEnd: current.currentPeriodEnd,
  };
}

export async function listSubscriptions(
  db: Db,
  env: Bindings,
  tenantId: string,
  opts: { limit: number; cursor?: string; status?: SubscriptionStatus },
  now: number,
): Promise<{ items: Subscription[]; nextCursor: string | null }> {
  const page = await listSubscriptionRows(db, tenantId, opts);
  const rows = await Promise.all(page.rows.map((r) => (r.status !== "canceled" && r.currentPeriodEnd <= now ? catchUp(env, db, r, now) : r)));
  return { items: await presentSubscriptions(db, rows), nextCursor: page.nextCursor };
}

// ── transitions ────────────────────────────────────────────────────────────────

/**
 * `at: "now"` switches immediately: usage from now on is priced at the new plan. With
 * `prorate` (default) and outside a trial the base fee switches too (the old plan's fee up to
 * now, the new one's after: see billing.ts); without it the old fee runs to the period end.
 * `at: "period_end"` schedules the change (pinned to the plan's version now) for the roll-over.
 */
export async function changePlan(env: Bindings, db: Db, caller: Caller, id: string, input: ChangePlan, now: number): Promise<SubscriptionChange> {
  const row = await loadCurrent(env, db, caller.owner, id, now);
  assertTransition("change-plan", row.status);
  const target = await getPlan(db, input.planId);

  if (input.at === "period_end") {
    if (row.cancelAtPeriodEnd) {
      throw invalidState(`The subscription is ${row.status} but cancels at period end; reactivate it before scheduling a plan change`, {
        status: row.status,
        cancelAtPeriodEnd: true,
      });
    }
    if (target.id === row.planId) {
      if (!row.scheduledPlanId) throw conflict(`The subscription is already on plan ${target.id}`);
      // Scheduling the plan it is on withdraws the scheduled change.
      const withdraw = { scheduledPlanId: null, scheduledPlanVersion: null, scheduledChangeAt: null };
      if (input.dryRun) return wouldBe(db, row, withdraw);
      return settleChange(env, db, await commitSubscription(db, row, withdraw, now));
    }
    assertCompatible(row, target);
    const patch = { scheduledPlanId: target.id, scheduledPlanVersion: target.version, scheduledChangeAt: row.currentPeriodEnd };
    if (input.dryRun) return wouldBe(db, row, patch);
    return settleChange(env, db, await commitSubscription(db, row, patch, now));
  }

  if (target.id === row.planId) throw conflict(`The subscription is already on plan ${target.id}`);
  assertCompatible(row, target);
  const current = await getPlanVersion(db, row.planId, row.planVersion);
  const trialing = row.status === "trialing";
  if (target.interval !== current.interval && !trialing) {
    throw conflict(
      `Plan ${target.id} bills per ${target.interval} and plan ${current.id} per ${current.interval}: switch at period end ({"at": "period_end"}) so no period is cut short`,
    );
  }
  const next: PlanRef = { planId: target.id, version: target.version };
  const before = await feeNow(db, row, now);
  const prorate = !trialing && input.prorate !== false;
  const fee = trialing ? null : prorate ? next : before;
  const prorations = prorate ? await prorationsOf(db, row, now, before, next) : [];
  const patch: Partial<SubscriptionRow> = {
    planId: target.id,
    planVersion: target.version,
    scheduledPlanId: null,
    scheduledPlanVersion: null,
    scheduledChangeAt: null,
  };
  if (input.dryRun) return wouldBe(db, row, patch, prorations);
  await cutMeter(env, row.tenantId, now);
  const phase = phaseStatement(db, row, now, { state: trialing ? "trial" : "active", plan: next, fee }, now);
  return settleChange(env, db, await commitSubscription(db, row, patch, now, [phase]), prorations);
}

/** Whose base fee accrues at `at` (null: none, as in a trial or a pause). */
async function feeNow(db: Db, row: SubscriptionRow, at: number): Promise<PlanRef | null> {
  const phase = await phaseAt(db, row.id, at);
  return phase ? feeOf(phase) : null;
}

function assertCompatible(row: SubscriptionRow, target: Plan): void {
  if (!target.active) throw conflict(`Plan ${target.id} is retired and cannot be switched to`);
  if (target.currency !== row.currency) {
    throw conflict(`Plan ${target.id} is priced in ${target.currency}; this subscription bills in ${row.currency}`);
  }
}

/**
 * At period end (default): stays as it is until the roll-over cancels it. Immediately:
 * canceled now, and nothing after now is billed but, without `prorate`, the base fee of the
 * rest of the period (with `prorate` that is not charged). The period is frozen for its
 * final invoice.
 */
export async function cancelSubscription(
  db: Db,
  env: Bindings,
  caller: Caller,
  id: string,
  input: CancelSubscription,
  now: number,
): Promise<SubscriptionChange> {
  if (input.atPeriodEnd !== false && input.prorate === true) {
    throw badRequest("prorate applies to an immediate cancel only", [{ path: "prorate", message: "needs atPeriodEnd: false", code: "custom" }]);
  }
  const row = await loadCurrent(env, db, caller.owner, id, now);
  assertTransition("cancel", row.status);

  if (input.atPeriodEnd !== false) {
    if (row.cancelAtPeriodEnd) {
      throw invalidState(`The subscription is ${row.status} and already set to cancel at period end (${iso(row.currentPeriodEnd)})`, {
        status: row.status,
        cancelAtPeriodEnd: true,
      });
    }
    const patch = { cancelAtPeriodEnd: true, canceledAt: now, scheduledPlanId: null, scheduledPlanVersion: null, scheduledChangeAt: null };
    return settleChange(env, db, await commitSubscription(db, row, patch, now));
  }

  const trialing = row.status === "trialing";
  const fee = await feeNow(db, row, now);
  const prorations = input.prorate === true ? await prorationsOf(db, row, now, fee, null) : [];
  await cutMeter(env, row.tenantId, now);
  const extra = [
    db.insert(subscriptionPeriods).values({
      id: newId("per"),
      subscriptionId: row.id,
      tenantId: row.tenantId,
      periodStart: row.currentPeriodStart,
      periodEnd: row.currentPeriodEnd,
      planId: row.planId,
      planVersion: row.planVersion,
      currency: row.currency,
      trial: trialing,
      endedAt: now,
      closedAt: now,
      invoiceId: null,
    }),
    phaseStatement(db, row, now, { state: "ended", plan: planOf(row), fee: input.prorate === true ? null : fee }, now),
  ];
  const patch = {
    status: "canceled" as const,
    canceledAt: now,
    endedAt: now,
    cancelAtPeriodEnd: false,
    pausedAt: null,
    resumesAt: null,
    scheduledPlanId: null,
    scheduledPlanVersion: null,
    scheduledChangeAt: null,
  };
  return settleChange(env, db, await commitSubscription(db, row, patch, now, extra), prorations);
}

/**
 * A pending cancellation is withdrawn: the subscription simply continues. A canceled
 * subscription cannot resume its old period (that has been closed and billed); instead a
 * new subscription on the plan's current version starts now with a fresh period and no
 * trial, linked by `reactivatedFrom`. Its discounts are not carried over.
 */
export async function reactivateSubscription(env: Bindings, db: Db, caller: Caller, id: string, now: number): Promise<Subscription> {
  const row = await loadCurrent(env, db, caller.owner, id, now);
  assertTransition("reactivate", row.status);
  if (row.status !== "canceled") {
    if (!row.cancelAtPeriodEnd) {
      throw invalidState(`The subscription is ${row.status} and not set to cancel: there is nothing to reactivate`, {
        status: row.status,
        cancelAtPeriodEnd: false,
      });
    }
    const updated = await commitSubscription(db, row, { cancelAtPeriodEnd: false, canceledAt: null }, now);
    return settle(env, db, updated);
  }

  const plan = await activePlan(db, row.planId);
  const fresh: SubscriptionRow = {
    ...row,
    id: newId("sub"),
    planVersion: plan.version,
    status: "active",
    billingAnchor: now,
    currentPeriodStart: now,
    currentPeriodEnd: addInterval(now, 1, plan.interval),
    trialStart: null,
    trialEnd: null,
    cancelAtPeriodEnd: false,
    canceledAt: null,
    endedAt: null,
    pausedAt: null,
    resumesAt: null,
    scheduledPlanId: null,
    scheduledPlanVersion: null,
    scheduledChangeAt: null,
    reactivatedFrom: row.id,
    version: 0,
    createdAt: now,
    updatedAt: now,
  };
  const ref = planOf(fresh);
  await cutMeter(env, row.tenantId, now);
  try {
    await db.batch([
      db.insert(subscriptions).values(fresh),
      phaseStatement(db, fresh, now, { state: "active", plan: ref, fee: ref }, now),
      ...subscriptionCreatedStatements(db, fresh, now),
    ]);
  } catch (err) {
    throw subscriptionWriteError(err);
  }
  return settle(env, db, fresh);
}

/**
 * Paused: no base fee accrues and the tenant's meter refuses usage with 402
 * SUBSCRIPTION_PAUSED. The period keeps running.
 */
export async function pauseSubscription(env: Bindings, db: Db, caller: Caller, id: string, input: PauseSubscription, now: number): Promise<Subscription> {
  if (input.resumesAt !== undefined && input.resumesAt <= now) {
    throw badRequest("resumesAt must lie in the future", [{ path: "resumesAt", message: "must lie in the future", code: "custom" }]);
  }
  const row = await loadCurrent(env, db, caller.owner, id, now);
  assertTransition("pause", row.status);
  const patch = { status: "paused" as const, pausedAt: now, resumesAt: input.resumesAt ?? null };
  await cutMeter(env, row.tenantId, now);
  const phase = phaseStatement(db, row, now, { state: "paused", plan: planOf(row), fee: null }, now);
  return settle(env, db, await commitSubscription(db, row, patch, now, [phase]));
}

/** Continues the same period on its plan, fee included, from now. */
export async function resumeSubscription(env: Bindings, db: Db, caller: Caller, id: string, now: number): Promise<Subscription> {
  const row = await loadCurrent(env, db, caller.owner, id, now);
  assertTransition("resume", row.status);
  await cutMeter(env, row.tenantId, now);
  return settle(env, db, await resumeRow(db, row, now, now));
}

/**
 * Moves the live subscriptions on `fromVersion` of a plan to its current version: `now`
 * cuts a segment at this instant (usage and base fee at the new version from here), and
 * `period_end` schedules it for each one's renewal. One subscription at a time, each in its
 * own batch; running it again moves only what is still on the old version.
 */
export async function migrateSubscriptions(env: Bindings, db: Db, planId: string, input: MigratePlan, clock: number | ((tenantId: string) => Promise<number>)) {
  const target = await getPlan(db, planId);
  const from = await getPlanVersion(db, planId, input.fromVersion);
  if (from.version === target.version) throw conflict(`Version ${from.version} is plan ${planId}'s current version: there is nothing to migrate to`);
  if (input.at === "now" && from.interval !== target.interval) {
    throw conflict(`Version ${target.version} bills per ${target.interval} and version ${from.version} per ${from.interval}: migrate at period_end`);
  }
  if (from.currency !== target.currency)
    throw conflict(`Version ${target.version} is priced in ${target.currency}, version ${from.version} in ${from.currency}`);
  const next: PlanRef = { planId, version: target.version };
  const moved: string[] = [];
  for (const candidate of await subscriptionsOnVersion(db, planId, from.version)) {
    // Each subscription moves at its tenant's time (a tenant on a test clock lives at the clock's).
    const now = typeof clock === "number" ? clock : await clock(candidate.tenantId);
    const row = await catchUp(env, db, candidate, now);
    if (row.status === "canceled" || row.planVersion !== from.version) continue;
    if (input.at === "period_end") {
      if (row.cancelAtPeriodEnd) continue;
      await commitSubscription(db, row, { scheduledPlanId: planId, scheduledPlanVersion: target.version, scheduledChangeAt: row.currentPeriodEnd }, now);
    } else {
      const state = row.status === "trialing" ? "trial" : row.status === "paused" ? "paused" : "active";
      await cutMeter(env, row.tenantId, now);
      const phase = phaseStatement(db, row, now, { state, plan: next, fee: state === "active" ? next : null }, now);
      await settle(env, db, await commitSubscription(db, row, { planVersion: target.version }, now, [phase]));
    }
    moved.push(row.id);
  }
  return { planId, fromVersion: from.version, toVersion: target.version, at: input.at, subscriptions: moved };
}

async function subscriptionsOnVersion(db: Db, planId: string, version: number): Promise<SubscriptionRow[]> {
  return db
    .select()
    .from(subscriptions)
    .where(and(eq(subscriptions.planId, planId), eq(subscriptions.planVersion, version), ne(subscriptions.status, "canceled")))
    .orderBy(asc(subscriptions.id));
}

/** The segments of the subscription's current period as things stand (what its invoice will bill). */
export async function currentSegments(env: Bindings, db: Db, owner: string | null, id: string, now: number): Promise<Segment[]> {
  const row = await loadCurrent(env, db, owner, id, now);
  return periodSegments(db, row, { periodStart: row.currentPeriodStart, periodEnd: row.currentPeriodEnd });
}

/** Payments (Stripe) report a failed or recovered payment through these two. */
export async function markPastDue(env: Bindings, db: Db, id: string, now: number): Promise<Subscription> {
  const row = await loadCurrent(env, db, null, id, now);
  assertTransition("mark-past-due", row.status);
  return settle(env, db, await commitSubscription(db, row, { status: "past_due" }, now));
}

export async function recoverFromPastDue(env: Bindings, db: Db, id: string, now: number): Promise<Subscription> {
  const row = await loadCurrent(env, db, null, id, now);
  assertTransition("recover", row.status);
  return settle(env, db, await commitSubscription(db, row, { status: "active" }, now));
}
