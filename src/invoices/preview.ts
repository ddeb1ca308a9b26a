import { and, eq, gt, lte } from "drizzle-orm";
import type { Db } from "../db/client";
import { iso } from "../lib/time";
import type { Bindings } from "../env";
import { badRequest, invalidState, notFound } from "../http/errors";
import { openPeriod, type BillablePeriod } from "../subscriptions/billing";
import { findLiveSubscription } from "../subscriptions/queries";
import { catchUp } from "../subscriptions/rollover";
import { subscriptionPeriods, type SubscriptionRow } from "../subscriptions/table";
import { buildDraft, type InvoiceDraft } from "./draft";
import { invoices } from "./table";

/** A draft as the API shows it: the Invoice shape's figures, for a period still open. */
export function draftView(d: InvoiceDraft) {
  const money = (amount: number) => ({ amount, currency: d.currency });
  const lines = [
    ...d.lines,
    ...d.totals.discounts.map((x) => ({ kind: "discount" as const, description: x.description, meter: null, quantity: "1", unitPrice: String(x.amount), amount: x.amount, periodStart: d.periodStart, periodEnd: d.periodEnd })),
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
  return catchUp(db, env, sub, now);
}

/**
 * The period `at` falls in, if it is still open for billing: the current period, or an
 * ended one whose invoice is not final yet (a past "open" period: late usage still counts).
 */
async function periodAt(db: Db, sub: SubscriptionRow, at: number): Promise<{ period: BillablePeriod; invoiceId?: string }> {
  if (at >= sub.currentPeriodStart && at < sub.currentPeriodEnd) return { period: openPeriod(sub) };
  const closed = await db
    .select()
    .from(subscriptionPeriods)
    .where(and(eq(subscriptionPeriods.subscriptionId, sub.id), lte(subscriptionPeriods.periodStart, at), gt(subscriptionPeriods.periodEnd, at)))
    .get();
  if (!closed) throw badRequest(`No billing period of subscription ${sub.id} contains ${iso(at)}`, [{ path: "at", message: "outside the subscription's periods" }]);
  if (closed.invoiceId) {
    const invoice = await db.select({ status: invoices.status, number: invoices.number }).from(invoices).where(eq(invoices.id, closed.invoiceId)).get();
    if (invoice && invoice.status !== "draft") {
      throw invalidState(`That period is already invoiced (${invoice.number ?? closed.invoiceId}); see GET /invoices/${closed.invoiceId}`, {
        invoiceId: closed.invoiceId,
      });
    }
  }
  return { period: closed, invoiceId: closed.invoiceId ?? undefined };
}

/** The invoice the period containing `at` (default now) would produce with what is known at `at`. */
export async function previewInvoice(env: Bindings, db: Db, tenantId: string, at: number | undefined, now: number): Promise<InvoiceDraft> {
  if (at !== undefined && at > now) throw badRequest("at must not be in the future", [{ path: "at", message: "in the future" }]);
  const sub = await currentSubscription(env, db, tenantId, now);
  const asOf = at ?? now;
  const { period, invoiceId } = await periodAt(db, sub, asOf);
  return buildDraft(env, db, sub, period, { asOf, open: true, invoiceId });
}

/**
 * Projected invoice at the end of the current period: the base fee and prorations as they
 * stand, additive usage (sum, count) extrapolated linearly from the rate so far; gauges
 * (max, latest, unique_count) are taken as they are now.
 */
export async function estimateInvoice(env: Bindings, db: Db, tenantId: string, now: number) {
  const sub = await currentSubscription(env, db, tenantId, now);
  const period = openPeriod(sub);
  const elapsed = Math.max(0, now - period.periodStart);
  const total = period.periodEnd - period.periodStart;
  const soFar = await buildDraft(env, db, sub, period, { asOf: now, open: true });
  const projected = await buildDraft(env, db, sub, period, { asOf: now, open: true, projection: { elapsed, total } });
  const usage = (d: InvoiceDraft) => new Map(d.lines.filter((l) => l.kind === "usage").map((l) => [l.meter!, l]));
  const now_ = usage(soFar);
  return {
    method: "linear" as const,
    explanation:
      "Additive meters (sum, count) are projected as usage so far × period length ÷ time elapsed; gauges (max, latest, unique_count) stay at their current value. Base fee, prorations, discounts and tax are applied as the invoice would.",
    asOf: iso(now),
    periodStart: iso(period.periodStart),
    periodEnd: iso(period.periodEnd),
    elapsedMs: elapsed,
    periodMs: total,
    meters: [...usage(projected).values()].map((l) => ({
      metric: l.meter!,
      billableSoFar: now_.get(l.meter!)?.quantity ?? "0",
      amountSoFar: { amount: now_.get(l.meter!)?.amount ?? 0, currency: sub.currency },
      projectedBillable: l.quantity,
      projectedAmount: { amount: l.amount, currency: sub.currency },
    })),
    current: draftView(soFar),
    projected: draftView(projected),
  };
}
