import type { Db } from "../db/client";
import { planVersionCache } from "../plans/service";
import { splitPeriod, type Span } from "../pricing/proration";
import type { PlanRef } from "./phases";
import type { Segment } from "./segments";
import type { PeriodRow, SubscriptionRow } from "./table";
import { isoDay } from "../lib/time";

/**
 * The base fee of one period, as invoice lines, from its segments. Each plan version whose
 * fee accrues somewhere in the period has its price split over ALL the period's segments
 * at once, by the second, with largest-remainder allocation (`splitPeriod`); a segment is
 * charged its slice of the plan whose fee accrues in it. So:
 *   - a period on one plan throughout is charged exactly the plan's price;
 *   - paused, trial and (prorated) ended segments are charged nothing, and what is charged
 *     plus what is not adds up to the price exactly: a subscription that never ran bills 0;
 *   - an immediate plan change charges the old plan's slices up to it and the new plan's
 *     after it, each rounded once.
 * Consecutive segments charged to the same plan version make one line.
 */

export interface BaseFeeLine {
  description: string;
  plan: PlanRef;
  amount: number;
  periodStart: number;
  periodEnd: number;
}

/** The billable shape of a period: a closed `subscription_periods` row or the open one. */
export type BillablePeriod = Pick<PeriodRow, "subscriptionId" | "periodStart" | "periodEnd">;

export function openPeriod(row: SubscriptionRow): BillablePeriod {
  return { subscriptionId: row.id, periodStart: row.currentPeriodStart, periodEnd: row.currentPeriodEnd };
}

export interface FeePlan {
  name: string;
  basePrice: number;
}

const refKey = (r: PlanRef) => `${r.planId}@${r.version}`;

/** Pure: the base fee lines of `period` cut into `segments` (which cover it, in order). */
export function baseFeeLines(period: Span, segments: readonly Segment[], planOf: (ref: PlanRef) => FeePlan): BaseFeeLine[] {
  const cuts = segments.map((s) => s.from);
  const slices = new Map<string, number[]>();
  const sliceOf = (ref: PlanRef, index: number) => {
    let amounts = slices.get(refKey(ref));
    if (!amounts) slices.set(refKey(ref), (amounts = splitPeriod(planOf(ref).basePrice, period, cuts).map((s) => s.amount)));
    return amounts[index] ?? 0;
  };
  const lines: BaseFeeLine[] = [];
  segments.forEach((s, index) => {
    if (!s.fee) return;
    const amount = sliceOf(s.fee, index);
    const last = lines.at(-1);
    if (last && refKey(last.plan) === refKey(s.fee) && last.periodEnd === s.from) {
      last.amount += amount;
      last.periodEnd = s.to;
    } else {
      lines.push({ description: "", plan: s.fee, amount, periodStart: s.from, periodEnd: s.to });
    }
  });
  for (const l of lines) l.description = `${planOf(l.plan).name} (${isoDay(l.periodStart)} – ${isoDay(l.periodEnd)})`;
  return lines;
}

/**
 * `baseFeeLines` for a period cut into `segments`, with the fee plans' versions read through
 * `planOf` (pass the caller's cache when it reads the same versions for usage too).
 */
export async function periodBaseFee(
  db: Db,
  period: BillablePeriod,
  segments: readonly Segment[],
  planOf: (ref: PlanRef) => Promise<FeePlan> = planVersionCache(db),
): Promise<BaseFeeLine[]> {
  const plans = new Map<string, FeePlan>();
  for (const s of segments) if (s.fee) plans.set(refKey(s.fee), await planOf(s.fee));
  return baseFeeLines({ start: period.periodStart, end: period.periodEnd }, segments, (ref) => plans.get(refKey(ref))!);
}
