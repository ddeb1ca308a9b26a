import type { Db } from "../db/client";
import { DAY_MS, iso, isoDay } from "../lib/time";
import type { Bindings } from "../env";
import { badRequest, conflict, invalidState, notFound } from "../http/errors";
import { getPlan } from "../plans/service";
import type { Plan } from "../plans/schemas";
import { prorate, type Span } from "../pricing/proration";
import { tenantRoundingMode } from "../tenants/service";
import { tenants } from "../tenants/table";
import { redeemableCoupon, redemptionFailure, redemptionStatements } from "../coupons/service";
import { newId } from "../lib/ids";
import { assertTransition } from "./lifecycle";
import { syncMeter } from "./meter-sync";
import { addInterval, periodContaining } from "./periods";
import { findLiveSubscription, findOwnedSubscription, listSubscriptionRows, presentSubscription, presentSubscriptions, toPendingItem } from "./queries";
import { catchUp, resumeRow } from "./rollover";
import type { CancelSubscription, ChangePlan, CreateSubscription, PauseSubscription, Subscription, SubscriptionChange } from "./schemas";
import { commitSubscription, endPause, startPause, subscriptionWriteError, type Statement } from "./store";
import { pendingInvoiceItems, subscriptionPeriods, subscriptions, type PendingInvoiceItemRow, type SubscriptionRow, type SubscriptionStatus } from "./table";

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
async function loadCurrent(db: Db, env: Bindings, owner: string | null, id: string, now: number): Promise<SubscriptionRow> {
  return catchUp(db, env, await findOwnedSubscription(db, id, owner), now);
}

/** After every state change: the meter learns the new state, the caller gets the result. */
async function settle(db: Db, env: Bindings, row: SubscriptionRow): Promise<Subscription> {
  await syncMeter(db, env, row);
  return presentSubscription(db, row);
}

async function settleChange(db: Db, env: Bindings, row: SubscriptionRow, items: PendingInvoiceItemRow[] = []): Promise<SubscriptionChange> {
  return { ...(await settle(db, env, row)), prorations: items.map(toPendingItem) };
}

function prorationItem(row: SubscriptionRow, planId: string, amount: number, description: string, span: Span, now: number): PendingInvoiceItemRow {
  return {
    id: newId("pii"),
    tenantId: row.tenantId,
    subscriptionId: row.id,
    kind: "proration",
    description,
    planId,
    amount,
    currency: row.currency,
    periodStart: span.start,
    periodEnd: span.end,
    createdAt: now,
    invoiceId: null,
  };
}

const insertItems = (db: Db, items: PendingInvoiceItemRow[]): Statement[] => (items.length ? [db.insert(pendingInvoiceItems).values(items)] : []);

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
    currency: plan.currency,
    status: trialing ? "trialing" : "active",
    billingAnchor: anchor,
    currentPeriodStart: period.start,
    currentPeriodEnd: period.end,
    periodPlanId: plan.id,
    trialStart: trialEnd === null ? null : start,
    trialEnd,
    cancelAtPeriodEnd: false,
    canceledAt: null,
    endedAt: null,
    pausedAt: null,
    resumesAt: null,
    scheduledPlanId: null,
    scheduledChangeAt: null,
    reactivatedFrom: null,
    version: 0,
    createdAt: now,
    updatedAt: now,
  };
  const coupon = input.couponCode ? await redeemableCoupon(db, input.couponCode, tenantId, plan, now) : undefined;
  const redemption = coupon
    ? redemptionStatements(db, { coupon, tenantId, subscriptionId: row.id, interval: plan.interval, createdBy: actor, now })
    : undefined;
  try {
    await db.batch([
      db.insert(tenants).values({ id: tenantId, createdAt: now, updatedAt: now }).onConflictDoNothing(),
      db.insert(subscriptions).values(row),
      ...(redemption?.statements ?? []),
    ]);
  } catch (err) {
    throw (coupon && (await redemptionFailure(db, err, coupon, now))) ?? subscriptionWriteError(err);
  }
  return settle(db, env, row);
}

export async function getSubscription(db: Db, env: Bindings, owner: string | null, id: string, now: number): Promise<Subscription> {
  return presentSubscription(db, await loadCurrent(db, env, owner, id, now));
}

/** The tenant's live subscription (see findLiveSubscription), or 404. */
export async function getLiveSubscription(db: Db, env: Bindings, tenantId: string, projectId: string | undefined, now: number): Promise<Subscription> {
  const row = await findLiveSubscription(db, tenantId, projectId);
  if (!row) throw notFound("Active subscription for tenant", projectId ? `${tenantId} (project ${projectId})` : tenantId);
  const current = await catchUp(db, env, row, now);
  if (current.status === "canceled") throw notFound("Active subscription for tenant", tenantId);
  return presentSubscription(db, current);
}

export async function listSubscriptions(
  db: Db,
  env: Bindings,
  tenantId: string,
  opts: { limit: number; cursor?: string; status?: SubscriptionStatus },
  now: number,
): Promise<{ items: Subscription[]; nextCursor: string | null }> {
  const page = await listSubscriptionRows(db, tenantId, opts);
  const rows = await Promise.all(page.rows.map((r) => (r.status !== "canceled" && r.currentPeriodEnd <= now ? catchUp(db, env, r, now) : r)));
  return { items: await presentSubscriptions(db, rows), nextCursor: page.nextCursor };
}

// ── transitions ────────────────────────────────────────────────────────────────

/**
 * `at: "now"` switches immediately. With `prorate` (default) and outside a trial it adds two
 * pending items over [now, period end): a credit for the unused part of the old plan and
 * a charge for the rest of the new one, each prorated by the second and rounded once. The
 * period's base fee stays that of the plan it began with. `at: "period_end"` schedules the
 * change for the roll-over.
 */
export async function changePlan(db: Db, env: Bindings, caller: Caller, id: string, input: ChangePlan, now: number): Promise<SubscriptionChange> {
  const row = await loadCurrent(db, env, caller.owner, id, now);
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
      return settleChange(db, env, await commitSubscription(db, row, { scheduledPlanId: null, scheduledChangeAt: null }, now));
    }
    assertCompatible(row, target);
    const patch = { scheduledPlanId: target.id, scheduledChangeAt: row.currentPeriodEnd };
    return settleChange(db, env, await commitSubscription(db, row, patch, now));
  }

  if (target.id === row.planId) throw conflict(`The subscription is already on plan ${target.id}`);
  assertCompatible(row, target);
  const current = await getPlan(db, row.planId);
  const trialing = row.status === "trialing";
  if (target.interval !== current.interval && !trialing) {
    throw conflict(
      `Plan ${target.id} bills per ${target.interval} and plan ${current.id} per ${current.interval}: switch at period end ({"at": "period_end"}) so no period is cut short`,
    );
  }
  const items: PendingInvoiceItemRow[] = [];
  if (input.prorate !== false && !trialing) {
    const period = { start: row.currentPeriodStart, end: row.currentPeriodEnd };
    const rest = { start: now, end: row.currentPeriodEnd };
    const mode = await tenantRoundingMode(db, row.tenantId);
    const credit = prorate(current.basePrice, period, rest, mode);
    const charge = prorate(target.basePrice, period, rest, mode);
    if (credit > 0) items.push(prorationItem(row, current.id, -credit, `Unused time on ${current.name} from ${isoDay(now)}`, rest, now));
    if (charge > 0) items.push(prorationItem(row, target.id, charge, `Remaining time on ${target.name} from ${isoDay(now)}`, rest, now));
  }
  const patch: Partial<SubscriptionRow> = { planId: target.id, scheduledPlanId: null, scheduledChangeAt: null };
  // A trial bills nothing, so the period simply continues on the new plan.
  if (trialing) patch.periodPlanId = target.id;
  return settleChange(db, env, await commitSubscription(db, row, patch, now, insertItems(db, items)), items);
}

function assertCompatible(row: SubscriptionRow, target: Plan): void {
  if (!target.active) throw conflict(`Plan ${target.id} is retired and cannot be switched to`);
  if (target.currency !== row.currency) {
    throw conflict(`Plan ${target.id} is priced in ${target.currency}; this subscription bills in ${row.currency}`);
  }
}

/**
 * At period end (default): stays as it is until the roll-over cancels it. Immediately:
 * canceled now; the period is frozen for its final invoice, and with `prorate` the unused
 * rest of it is credited as a pending item.
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
  const row = await loadCurrent(db, env, caller.owner, id, now);
  assertTransition("cancel", row.status);

  if (input.atPeriodEnd !== false) {
    if (row.cancelAtPeriodEnd) {
      throw invalidState(`The subscription is ${row.status} and already set to cancel at period end (${iso(row.currentPeriodEnd)})`, {
        status: row.status,
        cancelAtPeriodEnd: true,
      });
    }
    const patch = { cancelAtPeriodEnd: true, canceledAt: now, scheduledPlanId: null, scheduledChangeAt: null };
    return settleChange(db, env, await commitSubscription(db, row, patch, now));
  }

  const trialing = row.status === "trialing";
  const items: PendingInvoiceItemRow[] = [];
  if (input.prorate === true && !trialing) {
    const plan = await getPlan(db, row.planId);
    const rest = { start: now, end: row.currentPeriodEnd };
    const credit = prorate(plan.basePrice, { start: row.currentPeriodStart, end: row.currentPeriodEnd }, rest, await tenantRoundingMode(db, row.tenantId));
    if (credit > 0) items.push(prorationItem(row, plan.id, -credit, `Unused time on ${plan.name} after cancellation on ${isoDay(now)}`, rest, now));
  }
  const extra: Statement[] = [
    db.insert(subscriptionPeriods).values({
      id: newId("per"),
      subscriptionId: row.id,
      tenantId: row.tenantId,
      periodStart: row.currentPeriodStart,
      periodEnd: row.currentPeriodEnd,
      planId: row.periodPlanId,
      currency: row.currency,
      trial: trialing,
      endedAt: now,
      closedAt: now,
      invoiceId: null,
    }),
    ...(row.status === "paused" ? endPause(db, row.id, now) : []),
    ...insertItems(db, items),
  ];
  const patch = {
    status: "canceled" as const,
    canceledAt: now,
    endedAt: now,
    cancelAtPeriodEnd: false,
    pausedAt: null,
    resumesAt: null,
    scheduledPlanId: null,
    scheduledChangeAt: null,
  };
  return settleChange(db, env, await commitSubscription(db, row, patch, now, extra), items);
}

/**
 * A pending cancellation is withdrawn: the subscription simply continues. A canceled
 * subscription cannot resume its old period (that has been closed and billed); instead a
 * new subscription on the same plan starts now with a fresh period and no trial, linked by
 * `reactivatedFrom`. Its discounts are not carried over.
 */
export async function reactivateSubscription(db: Db, env: Bindings, caller: Caller, id: string, now: number): Promise<Subscription> {
  const row = await loadCurrent(db, env, caller.owner, id, now);
  assertTransition("reactivate", row.status);
  if (row.status !== "canceled") {
    if (!row.cancelAtPeriodEnd) {
      throw invalidState(`The subscription is ${row.status} and not set to cancel: there is nothing to reactivate`, {
        status: row.status,
        cancelAtPeriodEnd: false,
      });
    }
    const updated = await commitSubscription(db, row, { cancelAtPeriodEnd: false, canceledAt: null }, now);
    return settle(db, env, updated);
  }

  const plan = await activePlan(db, row.planId);
  const fresh: SubscriptionRow = {
    ...row,
    id: newId("sub"),
    status: "active",
    billingAnchor: now,
    currentPeriodStart: now,
    currentPeriodEnd: addInterval(now, 1, plan.interval),
    periodPlanId: plan.id,
    trialStart: null,
    trialEnd: null,
    cancelAtPeriodEnd: false,
    canceledAt: null,
    endedAt: null,
    pausedAt: null,
    resumesAt: null,
    scheduledPlanId: null,
    scheduledChangeAt: null,
    reactivatedFrom: row.id,
    version: 0,
    createdAt: now,
    updatedAt: now,
  };
  try {
    await db.insert(subscriptions).values(fresh);
  } catch (err) {
    throw subscriptionWriteError(err);
  }
  return settle(db, env, fresh);
}

/**
 * Paused: no base fee accrues (the span is prorated out of the period's base fee) and the
 * tenant's meter refuses usage with 402 SUBSCRIPTION_PAUSED. The period keeps running.
 */
export async function pauseSubscription(db: Db, env: Bindings, caller: Caller, id: string, input: PauseSubscription, now: number): Promise<Subscription> {
  if (input.resumesAt !== undefined && input.resumesAt <= now) {
    throw badRequest("resumesAt must lie in the future", [{ path: "resumesAt", message: "must lie in the future", code: "custom" }]);
  }
  const row = await loadCurrent(db, env, caller.owner, id, now);
  assertTransition("pause", row.status);
  const patch = { status: "paused" as const, pausedAt: now, resumesAt: input.resumesAt ?? null };
  const updated = await commitSubscription(db, row, patch, now, [startPause(db, row, row.planId, now)]);
  return settle(db, env, updated);
}

/** Continues the same period; the pause span ends now. */
export async function resumeSubscription(db: Db, env: Bindings, caller: Caller, id: string, now: number): Promise<Subscription> {
  const row = await loadCurrent(db, env, caller.owner, id, now);
  assertTransition("resume", row.status);
  return settle(db, env, await resumeRow(db, row, now, now));
}

/** Payments (Stripe) report a failed or recovered payment through these two. */
export async function markPastDue(db: Db, env: Bindings, id: string, now: number): Promise<Subscription> {
  const row = await loadCurrent(db, env, null, id, now);
  assertTransition("mark-past-due", row.status);
  return settle(db, env, await commitSubscription(db, row, { status: "past_due" }, now));
}

export async function recoverFromPastDue(db: Db, env: Bindings, id: string, now: number): Promise<Subscription> {
  const row = await loadCurrent(db, env, null, id, now);
  assertTransition("recover", row.status);
  return settle(db, env, await commitSubscription(db, row, { status: "active" }, now));
}
