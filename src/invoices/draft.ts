import { applicableDiscounts } from "../coupons";
import type { Db } from "../db/client";
import type { Bindings } from "../env";
import { billedUsage, type Aggregation, type UsageWindow } from "../metering/usage";
import { planVersionCache } from "../plans/service";
import type { Plan } from "../plans/schemas";
import { toDecimalString, parseDecimal } from "../lib/decimal";
import { isoDay } from "../lib/time";
import { divideHalfEven, type RoundingMode } from "../money/rounding";
import { priceMeter } from "../pricing/price";
import { openPeriod, periodBaseFee, type BillablePeriod } from "../subscriptions/billing";
import type { PlanRef } from "../subscriptions/phases";
import { billsUsage, periodSegments, resumedAt, type Segment } from "../subscriptions/segments";
import type { SubscriptionRow } from "../subscriptions/queries";
import { ensureTenant, tenantRoundingMode } from "../tenants/service";
import { invoiceCredit } from "../wallet";
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
  /** Credit the tenant has at `asOf` besides the period's prepaid usage, and what of both this invoice would use. */
  creditBalance: number;
  creditsApplied: number;
  amountDue: number;
}

/**
 * The estimate's projection: additive usage (sum, count) scaled from the time a plan version
 * has billed so far to the time it will bill by the period's end. Only once it has run for
 * `MIN_PROJECTION_SHARE` of the period: before that the rate is noise (a handful of events
 * in the first seconds would project absurd totals), and the estimate shows usage so far.
 */
export const MIN_PROJECTION_SHARE = 0.1;

interface Projection {
  elapsed: number;
  total: number;
}

const ADDITIVE = new Set(["sum", "count"]);

function project(quantity: string, aggregation: string, by: Projection | null): string {
  if (!by || !ADDITIVE.has(aggregation) || by.elapsed <= 0 || by.total === by.elapsed) return quantity;
  const q = parseDecimal(quantity);
  const SCALE = 6n;
  const units = divideHalfEven(q.units * BigInt(by.total) * 10n ** SCALE, BigInt(by.elapsed));
  return toDecimalString({ units, scale: q.scale + Number(SCALE) });
}

/** One plan version's usage in a period: the windows it billed (each with its scope) and each priced meter's charge. */
export interface PricedUsage {
  plan: Plan;
  windows: UsageWindow[];
  meters: Array<{ metric: string; aggregation: Aggregation; quantity: string; charge: ReturnType<typeof priceMeter> }>;
}

/**
 * The usage of a period as its invoice prices it: its segments that bill usage, grouped by
 * the plan version pricing them, each group's usage read over all its segments (each with its
 * own scope) and priced once with that version's meters, aggregations, tiers and included
 * quantities. Usage counts up to `until` (exclusive), cut at the instant.
 */
async function pricedUsage(
  env: Bindings,
  sub: SubscriptionRow,
  period: BillablePeriod,
  segments: readonly Segment[],
  planOf: (ref: PlanRef) => Promise<Plan>,
  until: number,
  mode: RoundingMode,
  projectToEnd = false,
): Promise<PricedUsage[]> {
  const groups = new Map<string, { plan: Plan; windows: UsageWindow[]; scheduled: number }>();
  for (const s of segments) {
    if (!s.plan) continue;
    const plan = await planOf(s.plan);
    if (!billsUsage(s, plan.trialUsage)) continue;
    const key = `${plan.id}@${plan.version}`;
    const group = groups.get(key) ?? { plan, windows: [], scheduled: 0 };
    group.scheduled += s.to - s.from;
    if (s.from < until) group.windows.push({ from: s.from, to: Math.min(s.to, until), ...s.scope });
    groups.set(key, group);
  }
  const priced: PricedUsage[] = [];
  for (const { plan, windows, scheduled } of groups.values()) {
    if (windows.length === 0) continue;
    const elapsed = windows.reduce((t, w) => t + (w.to - w.from), 0);
    const projection = projectToEnd && elapsed >= MIN_PROJECTION_SHARE * (period.periodEnd - period.periodStart) ? { elapsed, total: scheduled } : null;
    const meters = plan.meters.filter((m) => m.price !== null);
    if (meters.length === 0) continue;
    const quantities = await billedUsage(env, sub.tenantId, windows, new Map(meters.map((m) => [m.metric, m.aggregation])));
    priced.push({
      plan,
      windows,
      meters: meters.map((meter) => {
        const quantity = project(quantities.get(meter.metric) ?? "0", meter.aggregation, projection);
        return { metric: meter.metric, aggregation: meter.aggregation, quantity, charge: priceMeter(meter.price!, quantity, meter.includedQuantity, mode) };
      }),
    });
  }
  return priced;
}

/** The invoice lines of a period's priced usage: one per plan version and meter. */
function usageLines(period: BillablePeriod, priced: readonly PricedUsage[]): DraftLine[] {
  // Only a period priced by more than one version says which one each line is.
  const several = priced.length > 1;
  return priced.flatMap(({ plan, windows, meters }) => {
    const from = windows[0]!.from;
    const to = windows.at(-1)!.to;
    const label = several ? ` (${plan.name}, ${isoDay(from)} – ${isoDay(to)})` : "";
    const meterOf = new Map(plan.meters.map((m) => [m.metric, m]));
    return meters.map(({ metric, quantity, charge }) => ({
      kind: "usage" as const,
      description: `${metric}: ${quantity} used, ${meterOf.get(metric)!.includedQuantity} included${label}`,
      meter: metric,
      quantity: charge.billableQuantity,
      unitPrice: firstBilledUnitPrice(charge.tiers),
      amount: charge.amount,
      periodStart: several ? from : period.periodStart,
      periodEnd: several ? to : period.periodEnd,
      sourceId: null,
      usedQuantity: quantity,
    }));
  });
}

/**
 * The current period's usage up to `now`, priced exactly as its invoice will price it (per
 * plan version, over each version's segments and scopes): what real-time cost breakdowns split.
 */
export async function currentPricedUsage(env: Bindings, db: Db, sub: SubscriptionRow, now: number): Promise<PricedUsage[]> {
  const period = openPeriod(sub);
  return periodPricedUsage(env, db, sub, period, Math.min(now, period.periodEnd));
}

/** The period's usage up to `until`, on its recorded segments and its tenant's rounding. */
async function periodPricedUsage(env: Bindings, db: Db, sub: SubscriptionRow, period: BillablePeriod, until: number): Promise<PricedUsage[]> {
  return pricedUsage(env, sub, period, await periodSegments(db, sub, period), planVersionCache(db), until, await tenantRoundingMode(db, sub.tenantId));
}

/** A usage line shows the unit price of its first billed tier (its amount covers every tier). */
function firstBilledUnitPrice(tiers: Array<{ unitPrice: string; quantity: string }>): string {
  const billed = tiers.find((t) => t.quantity !== "0");
  return billed?.unitPrice ?? tiers[0]?.unitPrice ?? "0";
}

/** A closed period's usage lines as the rollups stand now (late usage shows up here). */
export async function periodUsageLines(env: Bindings, db: Db, sub: SubscriptionRow, period: BillablePeriod): Promise<DraftLine[]> {
  return usageLines(period, await periodPricedUsage(env, db, sub, period, period.periodEnd));
}

/**
 * `open`: the period is still running (a preview as of `asOf`); otherwise it has closed and
 * everything in it counts. `estimate`: additive usage projected to the period's end.
 */
export async function buildDraft(
  env: Bindings,
  db: Db,
  sub: SubscriptionRow,
  period: BillablePeriod,
  opts: { asOf: number; open: boolean; estimate?: boolean },
): Promise<InvoiceDraft> {
  const asOf = Math.min(opts.asOf, period.periodEnd);
  const tenant = await ensureTenant(db, sub.tenantId, asOf);
  const known = await periodSegments(db, sub, period);
  // An estimate counts on what is scheduled: a pause with a resume date ends then.
  const segments = opts.estimate && sub.status === "paused" && sub.resumesAt !== null ? resumedAt(known, sub.resumesAt) : known;
  // One cache of plan versions for the fee and the usage: they read the same few versions.
  const planOf = planVersionCache(db);
  const base: DraftLine[] = (await periodBaseFee(db, period, segments, planOf)).map((l) => ({
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
  const usage = usageLines(
    period,
    await pricedUsage(env, sub, period, segments, planOf, opts.open ? asOf : period.periodEnd, tenant.roundingMode, opts.estimate),
  );
  const lines = [...base, ...usage];

  const discounts: DiscountInput[] = (await applicableDiscounts(db, sub.id))
    .filter((d) => d.amountOff === null || d.currency === sub.currency)
    .map((d) => ({ id: d.id, description: d.description, percentOff: d.percentOff, amountOff: d.amountOff }));
  const totals = totalInvoice(lines, discounts, tenant.taxRateBps, tenant.roundingMode);
  // The period's real-time wallet debits pay first; then credit valid as of the moment billed
  // (the period's end for an invoice).
  const credit = await invoiceCredit(env, {
    tenantId: sub.tenantId,
    subscriptionId: sub.id,
    periodStart: period.periodStart,
    currency: sub.currency,
    validAt: asOf,
  });
  const balance = credit.available;
  const { creditsApplied, amountDue } = applyCredits(totals.total, credit.prepaid + balance);
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
  };
}
