import { and, asc, eq, gt, isNull, lt, or } from "drizzle-orm";
import type { Db } from "../db/client";
import { findPlan } from "../plans/service";
import type { RoundingMode } from "../money/rounding";
import { prorate, type Span } from "../pricing/proration";
import { subscriptionPauses, type PeriodRow, type SubscriptionRow } from "./table";
import { isoDay } from "../lib/time";

/**
 * The base fee of one period, as invoice lines. The rule that keeps plan changes, pauses
 * and cancellations exact without double counting:
 *
 *   base fee of a period = the full price of the plan it is billed at (`plan_id` of the
 *                          closed period: the plan in effect when the period began)
 *                        − for each pause span in the period, the prorated price of the
 *                          plan that was paused
 *   plan changes and immediate cancels inside the period are NOT in the base fee: they
 *   are pending invoice items (credits of the unused old plan, charges of the new one).
 *
 * A trial period has no base fee. Each line is rounded once, in the tenant's rounding mode.
 */

export interface BaseFeeLine {
  kind: "base" | "pause";
  description: string;
  planId: string;
  amount: number;
  periodStart: number;
  periodEnd: number;
}

/** The billable shape of a period: a closed `subscription_periods` row or the open one. */
export type BillablePeriod = Pick<PeriodRow, "subscriptionId" | "periodStart" | "periodEnd" | "planId" | "trial">;

export function openPeriod(row: SubscriptionRow): BillablePeriod {
  return {
    subscriptionId: row.id,
    periodStart: row.currentPeriodStart,
    periodEnd: row.currentPeriodEnd,
    planId: row.periodPlanId,
    trial: row.status === "trialing",
  };
}

interface PricedPlan {
  id: string;
  name: string;
  basePrice: number;
}

/** Pure: the lines for a period given its plan and the pause spans (each with its plan). */
export function baseFeeLines(period: Span, plan: PricedPlan, trial: boolean, pauses: Array<Span & { plan: PricedPlan }>, mode: RoundingMode): BaseFeeLine[] {
  if (trial) return [];
  const range = (s: Span) => `${isoDay(s.start)} – ${isoDay(s.end)}`;
  const lines: BaseFeeLine[] = [
    { kind: "base", description: `${plan.name} (${range(period)})`, planId: plan.id, amount: plan.basePrice, periodStart: period.start, periodEnd: period.end },
  ];
  for (const pause of pauses) {
    const span = { start: Math.max(pause.start, period.start), end: Math.min(pause.end, period.end) };
    if (span.end <= span.start) continue;
    const amount = prorate(pause.plan.basePrice, period, span, mode);
    if (amount === 0) continue;
    lines.push({ kind: "pause", description: `${pause.plan.name} paused (${range(span)})`, planId: pause.plan.id, amount: -amount, periodStart: span.start, periodEnd: span.end });
  }
  return lines;
}

/**
 * `baseFeeLines` for a period read from D1. A pause that is still running counts up to
 * `asOf` (default: the period end, i.e. "if it stays paused").
 */
export async function baseFeeForPeriod(db: Db, period: BillablePeriod, mode: RoundingMode, asOf = period.periodEnd): Promise<BaseFeeLine[]> {
  if (period.trial) return [];
  const plan = await findPlan(db, period.planId);
  if (!plan) return [];
  const spans = await db
    .select()
    .from(subscriptionPauses)
    .where(
      and(
        eq(subscriptionPauses.subscriptionId, period.subscriptionId),
        lt(subscriptionPauses.startedAt, period.periodEnd),
        or(isNull(subscriptionPauses.endedAt), gt(subscriptionPauses.endedAt, period.periodStart)),
      ),
    )
    .orderBy(asc(subscriptionPauses.startedAt));
  const plans = new Map([[plan.id, plan]]);
  const pauses = [];
  for (const s of spans) {
    const pausedPlan = plans.get(s.planId) ?? (await findPlan(db, s.planId));
    if (!pausedPlan) continue;
    plans.set(pausedPlan.id, pausedPlan);
    pauses.push({ start: s.startedAt, end: s.endedAt ?? Math.max(s.startedAt, Math.min(asOf, period.periodEnd)), plan: pausedPlan });
  }
  return baseFeeLines({ start: period.periodStart, end: period.periodEnd }, plan, period.trial, pauses, mode);
}
