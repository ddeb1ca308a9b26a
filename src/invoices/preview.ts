import { eq } from "drizzle-orm";
import type { Db } from "../db/client";
import { iso } from "../lib/time";
import type { Bindings } from "../env";
import { badRequest, invalidState, notFound } from "../http/errors";
import { openPeriod, type BillablePeriod } from "../subscriptions/billing";
import { closedPeriodAt, findLiveSubscription, type SubscriptionRow } from "../subscriptions/queries";
import { catchUp } from "../subscriptions/rollover";
import { buildDraft, MIN_PROJECTION_SHARE, type InvoiceDraft } from "./draft";
import { invoices } from "./table";

/** A draft as the API shows it: the Invoice shape's figures, for a period still open. */
export function draftView(d: InvoiceDraft) {
  const money = (amount: number) => ({ amount, currency: d.currency });
  const lines = [
    ...d.lines,
    ...d.totals.discounts.map((x) => ({
      kind: "discount" as const,
      description: x.description,
      meter: null,
      quantity: "1",
      unitPrice: String(x.amount),
      amount: x.amount,
      periodStart: d.periodStart,
      periodEnd: d.periodEnd,
    })),
  ];
  return {
    tenantId: d.tenantId,
    subscriptionId: d.subscriptionId,
    currency: d.currency,
    periodStart: iso(d.periodStart),
    periodEnd: iso(d.periodEnd),
    asOf: iso(d.asOf),
    lines: lines.map((l) => ({
      kind: l.kind,
      description: l.description,
      meter: l.meter,
      quantity: l.quantity,
      unitPrice: { amount: l.unitPrice, currency: d.currency },
      amount: money(l.amount),
      periodStart: iso(l.periodStart),
      periodEnd: iso(l.periodEnd),
    })),
    subtotal: money(d.totals.subtotal),
    discounts: money(d.totals.discountTotal),
    tax: { ...money(d.totals.taxAmount), rateBps: d.taxRateBps },
    total: money(d.totals.total),
    creditsApplied: money(d.creditsApplied),
    amountDue: money(d.amountDue),
    creditBalance: money(d.creditBalance),
  };
}
export type DraftView = ReturnType<typeof draftView>;

async function currentSubscription(env: Bindings, db: Db, tenantId: string, now: number): Promise<SubscriptionRow> {
  const sub = await findLiveSubscription(db, tenantId);
  if (!sub) throw notFound("Active subscription for tenant", tenantId);
  return catchUp(env, db, sub, now);
}

/**
 * The period `at` bills in: the one it lies inside or ends (`at` = a period's end is that
 * period, complete), if it is still open for billing: the current period, or an ended one
 * whose invoice is not final yet (late usage still counts). Without `at`, the current period.
 */
async function periodAt(db: Db, sub: SubscriptionRow, at: number | undefined): Promise<BillablePeriod> {
  if (at === undefined || (at > sub.currentPeriodStart && at <= sub.currentPeriodEnd)) return openPeriod(sub);
  const closed = await closedPeriodAt(db, sub.id, at);
  if (!closed) {
    if (at === sub.currentPeriodStart) return openPeriod(sub);
    throw badRequest(`No billing period of subscription ${sub.id} contains ${iso(at)}`, [{ path: "at", message: "outside the subscription's periods" }]);
  }
  if (closed.invoiceId) {
    const invoice = await db.select({ status: invoices.status, number: invoices.number }).from(invoices).where(eq(invoices.id, closed.invoiceId)).get();
    if (invoice && invoice.status !== "draft") {
      throw invalidState(`That period is already invoiced (${invoice.number ?? closed.invoiceId}); see GET /invoices/${closed.invoiceId}`, {
        invoiceId: closed.invoiceId,
      });
    }
  }
  return closed;
}

/**
 * The invoice the period `at` falls in (default now) gets with usage up to `at` exactly, and
 * its base fee as the subscription's phases known now make it. `at` may be as late as the
 * current period's end: `preview?at=<period end>` is that period's invoice to the cent.
 */
export async function previewInvoice(env: Bindings, db: Db, tenantId: string, at: number | undefined, now: number): Promise<InvoiceDraft> {
  const sub = await currentSubscription(env, db, tenantId, now);
  if (at !== undefined && at > Math.max(now, sub.currentPeriodEnd)) {
    throw badRequest("at must not lie beyond the current period's end", [{ path: "at", message: "after the current period" }]);
  }
  const period = await periodAt(db, sub, at);
  return buildDraft(env, db, sub, period, { asOf: at ?? now, open: true });
}

/**
 * Projected invoice at the end of the current period: the base fee as scheduled (a pause
 * with a resume date resumes then), additive usage (sum, count) extrapolated linearly from
 * each plan version's rate so far once it has run for a tenth of the period; gauges (max,
 * latest, unique_count) as they are now.
 */
export async function estimateInvoice(env: Bindings, db: Db, tenantId: string, now: number) {
  const sub = await currentSubscription(env, db, tenantId, now);
  const period = openPeriod(sub);
  const elapsed = Math.max(0, now - period.periodStart);
  const total = period.periodEnd - period.periodStart;
  const [soFar, projected] = await Promise.all([
    buildDraft(env, db, sub, period, { asOf: now, open: true }),
    buildDraft(env, db, sub, period, { asOf: now, open: true, estimate: true }),
  ]);
  const usage = (d: InvoiceDraft) => new Map(d.lines.filter((l) => l.kind === "usage").map((l) => [`${l.meter}|${l.periodStart}`, l]));
  const now_ = usage(soFar);
  return {
    method: "linear" as const,
    explanation: `Additive meters (sum, count) are projected as usage so far × the time the plan bills this period ÷ the time it has billed so far, once that is at least ${MIN_PROJECTION_SHARE * 100} % of the period (until then: usage so far); gauges (max, latest, unique_count) stay at their current value. The base fee counts a scheduled resume; discounts, tax and credits are applied as the invoice would.`,
    asOf: iso(now),
    periodStart: iso(period.periodStart),
    periodEnd: iso(period.periodEnd),
    elapsedMs: elapsed,
    periodMs: total,
    meters: [...usage(projected).entries()].map(([key, l]) => ({
      metric: l.meter!,
      billableSoFar: now_.get(key)?.quantity ?? "0",
      amountSoFar: { amount: now_.get(key)?.amount ?? 0, currency: sub.currency },
      projectedBillable: l.quantity,
      projectedAmount: { amount: l.amount, currency: sub.currency },
    })),
    current: draftView(soFar),
    projected: draftView(projected),
  };
}
