import { and, eq, gt, isNull, lt, ne, or, sql } from "drizzle-orm";
import { applicableDiscounts } from "../coupons/discounts";
import { creditBalance } from "../credits/ledger";
import type { Db } from "../db/client";
import type { Bindings } from "../env";
import { usageTotals } from "../metering/usage";
import { findPlan } from "../plans/service";
import type { Plan } from "../plans/schemas";
import { toDecimalString, parseDecimal } from "../lib/decimal";
import { divideHalfEven, type RoundingMode } from "../money/rounding";
import { priceMeter } from "../pricing/price";
import { baseFeeForPeriod, type BillablePeriod } from "../subscriptions/billing";
import { pendingInvoiceItems, subscriptions, type PendingInvoiceItemRow, type SubscriptionRow } from "../subscriptions/table";
import { ensureTenant } from "../tenants/service";
import { applyCredits, totalInvoice, type DiscountInput, type DraftLine, type InvoiceTotals } from "./compute";

/**
 * Everything an invoice for one subscription period says, computed but not stored:
 * what `POST …/invoices` writes, what `…/billing/preview` shows, and what the period
 * close finalizes. Reads only rollups (never raw events), so its cost does not grow
 * with the number of usage events.
 */
export interface InvoiceDraft {
  tenantId: string;
  subscriptionId: string;
  currency: string;
  periodStart: number;
  periodEnd: number;
  /** The moment the figures are as of (period end for a closed period). */
  asOf: number;
  lines: DraftLine[];
  totals: InvoiceTotals;
  taxRateBps: number;
  /** Credit the tenant has at `asOf`, and what of it this invoice would use. */
  creditBalance: number;
  creditsApplied: number;
  amountDue: number;
  pendingItemIds: string[];
}

/**
 * The plan usage is priced at: the plan in effect at the end of the window. For the open
 * period that is the subscription's plan now; for a closed period it is the plan the last
 * immediate change in it switched to (its proration charge names it), else the plan the
 * period began on (a scheduled change applies only from the next period).
 */
function usagePlanId(sub: SubscriptionRow, period: BillablePeriod, items: PendingInvoiceItemRow[], open: boolean): string {
  if (open) return sub.planId;
  const switchedTo = items.filter((i) => i.amount > 0 && i.planId).at(-1)?.planId;
  return switchedTo ?? period.planId;
}

/**
 * Whose usage a subscription bills, by the meter's own rule: a project subscription bills its
 * project's usage; the tenant-wide one bills everything else (all usage except projects
 * that have a live subscription of their own), so nothing is billed twice or missed.
 */
export async function usageScope(db: Db, sub: SubscriptionRow): Promise<{ projectId?: string; excludeProjectIds?: string[] }> {
  if (sub.projectId) return { projectId: sub.projectId };
  const perProject = await db
    .select({ projectId: subscriptions.projectId })
    .from(subscriptions)
    .where(and(eq(subscriptions.tenantId, sub.tenantId), sql`${subscriptions.projectId} IS NOT NULL`, ne(subscriptions.status, "canceled")));
  return { excludeProjectIds: perProject.map((r) => r.projectId!) };
}

/** Scales additive usage (sum, count) from `elapsed` ms of a period to `total` ms: the estimate's projection. */
export interface Projection {
  elapsed: number;
  total: number;
}

const ADDITIVE = new Set(["sum", "count"]);

function project(quantity: string, aggregation: string, by: Projection | undefined): string {
  if (!by || !ADDITIVE.has(aggregation) || by.elapsed <= 0) return quantity;
  const q = parseDecimal(quantity);
  const SCALE = 6n;
  const units = divideHalfEven(q.units * BigInt(by.total) * 10n ** SCALE, BigInt(by.elapsed));
  return toDecimalString({ units, scale: q.scale + Number(SCALE) });
}

async function usageLines(
  env: Bindings,
  db: Db,
  sub: SubscriptionRow,
  plan: Plan | undefined,
  period: BillablePeriod,
  usedUntil: number,
  mode: RoundingMode,
  projection?: Projection,
): Promise<DraftLine[]> {
  const priced = (plan?.meters ?? []).filter((m) => m.price !== null);
  if (priced.length === 0) return [];
  const totals = await usageTotals(env, sub.tenantId, { from: period.periodStart, to: usedUntil, ...(await usageScope(db, sub)) });
  const quantityOf = new Map(totals.map((t) => [t.metric, t.quantity]));
  return priced.map((meter) => {
    const quantity = project(quantityOf.get(meter.metric) ?? "0", meter.aggregation, projection);
    const charge = priceMeter(meter.price!, quantity, meter.includedQuantity, mode);
    const billable = charge.billableQuantity;
    return {
      kind: "usage" as const,
      description: `${meter.metric}: ${quantity} used, ${meter.includedQuantity} included`,
      meter: meter.metric,
      quantity: billable,
      unitPrice: firstBilledUnitPrice(charge.tiers),
      amount: charge.amount,
      periodStart: period.periodStart,
      periodEnd: period.periodEnd,
      sourceId: null,
      usedQuantity: quantity,
    };
  });
}

/** A usage line shows the unit price of its first billed tier (its amount covers every tier). */
function firstBilledUnitPrice(tiers: Array<{ unitPrice: string; quantity: string }>): string {
  const billed = tiers.find((t) => t.quantity !== "0");
  return billed?.unitPrice ?? tiers[0]?.unitPrice ?? "0";
}

/** Pending proration items for this period not taken by another invoice. */
async function pendingItems(db: Db, sub: SubscriptionRow, period: BillablePeriod, asOf: number, invoiceId: string | null): Promise<PendingInvoiceItemRow[]> {
  return db
    .select()
    .from(pendingInvoiceItems)
    .where(
      and(
        eq(pendingInvoiceItems.subscriptionId, sub.id),
        invoiceId ? or(isNull(pendingInvoiceItems.invoiceId), eq(pendingInvoiceItems.invoiceId, invoiceId)) : isNull(pendingInvoiceItems.invoiceId),
        lt(pendingInvoiceItems.periodStart, period.periodEnd),
        gt(pendingInvoiceItems.periodEnd, period.periodStart),
        lt(pendingInvoiceItems.createdAt, asOf + 1),
      ),
    )
    .orderBy(pendingInvoiceItems.createdAt, pendingInvoiceItems.amount, pendingInvoiceItems.id);
}

/**
 * `open`: the period is still running (a preview as of `asOf`); otherwise it has closed and
 * everything in it counts. `invoiceId`: the draft being recomputed, whose items it keeps.
 */
export async function buildDraft(
  env: Bindings,
  db: Db,
  sub: SubscriptionRow,
  period: BillablePeriod,
  opts: { asOf: number; open: boolean; invoiceId?: string; projection?: Projection },
): Promise<InvoiceDraft> {
  const asOf = Math.min(opts.asOf, period.periodEnd);
  const tenant = await ensureTenant(db, sub.tenantId, asOf);
  const items = await pendingItems(db, sub, period, asOf, opts.invoiceId ?? null);
  const plan = await findPlan(db, usagePlanId(sub, period, items, opts.open));

  const base: DraftLine[] = (await baseFeeForPeriod(db, period, tenant.roundingMode, asOf)).map((l) => ({
    kind: "base",
    description: l.description,
    meter: null,
    quantity: "1",
    unitPrice: String(l.amount),
    amount: l.amount,
    periodStart: l.periodStart,
    periodEnd: l.periodEnd,
    sourceId: null,
  }));
  // Usage counts up to `asOf` (a preview) or the whole period (an invoice); late events for a
  // closed period still count while its invoice is a draft.
  const usage = await usageLines(env, db, sub, plan, period, opts.open ? asOf : period.periodEnd, tenant.roundingMode, opts.projection);
  const prorations: DraftLine[] = items.map((i) => ({
    kind: "proration",
    description: i.description,
    meter: null,
    quantity: "1",
    unitPrice: String(i.amount),
    amount: i.amount,
    periodStart: i.periodStart,
    periodEnd: i.periodEnd,
    sourceId: i.id,
  }));
  const lines = [...base, ...prorations, ...usage];

  const discounts: DiscountInput[] = (await applicableDiscounts(db, sub.id))
    .filter((d) => d.amountOff === null || d.currency === sub.currency)
    .map((d) => ({ id: d.id, description: d.description, percentOff: d.percentOff, amountOff: d.amountOff }));
  const totals = totalInvoice(lines, discounts, tenant.taxRateBps, tenant.roundingMode);
  const balance = await creditBalance(db, sub.tenantId, sub.currency, asOf);
  const { creditsApplied, amountDue } = applyCredits(totals.total, balance);
  return {
    tenantId: sub.tenantId,
    subscriptionId: sub.id,
    currency: sub.currency,
    periodStart: period.periodStart,
    periodEnd: period.periodEnd,
    asOf,
    lines,
    totals,
    taxRateBps: tenant.taxRateBps,
    creditBalance: balance,
    creditsApplied,
    amountDue,
    pendingItemIds: items.map((i) => i.id),
  };
}
