import { and, asc, eq, inArray, isNull, or, gt, sql, type SQL } from "drizzle-orm";
import type { Db } from "../db/client";
import { iso } from "../lib/time";
import type { Plan } from "../plans/schemas";
import type { Discount } from "./schemas";
import { subscriptionDiscounts, type DiscountRow, type Duration } from "./table";

/** A discount's terms as stored: percent in basis points, or an amount in minor units. */
export interface DiscountTerms {
  percentOffBps: number | null;
  amountOff: number | null;
  currency: string | null;
  duration: Duration;
  durationInMonths: number | null;
}

export const toPercentOff = (bps: number | null) => (bps === null ? null : bps / 100);
export const toBps = (percentOff: number | undefined) => (percentOff === undefined ? null : Math.round(percentOff * 100));

export const toDiscount = (row: DiscountRow): Discount => ({
  id: row.id,
  couponId: row.couponId,
  description: row.description,
  percentOff: toPercentOff(row.percentOffBps),
  amountOff: row.amountOff,
  currency: row.currency,
  duration: row.duration,
  durationInMonths: row.durationInMonths,
  remainingPeriods: row.remainingPeriods,
  createdAt: iso(row.createdAt),
});

/**
 * How many invoices a discount applies to: once → 1, forever → unlimited (null), repeating
 * → the periods that start within `durationInMonths` (3 months of a monthly plan → 3
 * invoices; of a yearly plan → 1).
 */
export function remainingPeriodsFor(terms: Pick<DiscountTerms, "duration" | "durationInMonths">, interval: Plan["interval"]): number | null {
  if (terms.duration === "once") return 1;
  if (terms.duration === "forever") return null;
  return Math.ceil((terms.durationInMonths ?? 1) / (interval === "year" ? 12 : 1));
}

export function describeTerms(terms: DiscountTerms): string {
  const off = terms.percentOffBps !== null ? `${terms.percentOffBps / 100}% off` : `${terms.amountOff} ${terms.currency} off`;
  const how = terms.duration === "repeating" ? `for ${terms.durationInMonths} months` : terms.duration;
  return `${off} (${how})`;
}

/**
 * Inserts a discount on a live subscription. The subscription id is written from the
 * subscriptions module's subquery (`liveSubscriptionId`), which yields NULL once it is
 * canceled, so a concurrent cancel aborts the batch.
 */
export function insertDiscount(
  db: Db,
  d: {
    id: string;
    tenantId: string;
    liveSubscriptionId: SQL<string>;
    couponId: string | null;
    description: string;
    terms: DiscountTerms;
    remainingPeriods: number | null;
    createdBy: string | null;
    now: number;
  },
) {
  return db.insert(subscriptionDiscounts).values({
    id: d.id,
    tenantId: d.tenantId,
    subscriptionId: d.liveSubscriptionId,
    couponId: d.couponId,
    description: d.description,
    ...d.terms,
    remainingPeriods: d.remainingPeriods,
    createdBy: d.createdBy,
    createdAt: d.now,
  });
}

/** Every discount of the given subscriptions (spent ones included), oldest first. */
export async function discountsBySubscription(db: Db, subscriptionIds: string[]): Promise<Map<string, DiscountRow[]>> {
  const bySubscription = new Map<string, DiscountRow[]>(subscriptionIds.map((id) => [id, []]));
  if (subscriptionIds.length === 0) return bySubscription;
  const rows = await db
    .select()
    .from(subscriptionDiscounts)
    .where(inArray(subscriptionDiscounts.subscriptionId, subscriptionIds))
    .orderBy(asc(subscriptionDiscounts.createdAt), asc(subscriptionDiscounts.id));
  for (const row of rows) bySubscription.get(row.subscriptionId)?.push(row);
  return bySubscription;
}

/** What an invoice applies, in order: discounts with periods left (or forever). */
export async function applicableDiscounts(
  db: Db,
  subscriptionId: string,
): Promise<Array<{ id: string; description: string; percentOff: number | null; amountOff: number | null; currency: string | null }>> {
  const rows = await db
    .select()
    .from(subscriptionDiscounts)
    .where(
      and(
        eq(subscriptionDiscounts.subscriptionId, subscriptionId),
        or(isNull(subscriptionDiscounts.remainingPeriods), gt(subscriptionDiscounts.remainingPeriods, 0)),
      ),
    )
    .orderBy(asc(subscriptionDiscounts.createdAt), asc(subscriptionDiscounts.id));
  return rows.map((r) => ({
    id: r.id,
    description: r.description,
    percentOff: toPercentOff(r.percentOffBps),
    amountOff: r.amountOff,
    currency: r.currency,
  }));
}

/**
 * For an invoice's finalization batch: counts one period off each applied discount, once
 * per invoice (a replayed finalization changes nothing).
 */
export function consumeDiscountPeriod(db: Db, discountId: string, invoiceId: string) {
  return db
    .update(subscriptionDiscounts)
    .set({ remainingPeriods: sql`${subscriptionDiscounts.remainingPeriods} - 1`, lastInvoiceId: invoiceId })
    .where(
      and(
        eq(subscriptionDiscounts.id, discountId),
        gt(subscriptionDiscounts.remainingPeriods, 0),
        sql`${subscriptionDiscounts.lastInvoiceId} IS NOT ${invoiceId}`,
      ),
    );
}
export type { DiscountRow } from "./table";
