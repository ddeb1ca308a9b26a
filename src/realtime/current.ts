import type { Db } from "../db/client";
import { iso } from "../lib/time";
import type { Bindings } from "../env";
import { draftView, previewInvoice } from "../invoices/preview";
import { readUsage } from "../metering/usage";
import { evaluateCostAlerts } from "./cost-alerts";
import { costContext, subscriptionRef } from "./context";

/**
 * The tenant's cost so far in the current billing period: exactly what the billing preview
 * says right now (the same draft, so the same cents), summarised per charge kind. Usage is
 * read through the tenant's meter, so an event recorded a moment ago is included.
 * Without a live subscription: the month's usage at zero cost, `subscription: null`.
 */
export async function currentCost(env: Bindings, db: Db, tenantId: string, now: number) {
  const ctx = await costContext(env, db, tenantId, now);
  if (!ctx.sub) {
    const usage = await readUsage(env, tenantId, { from: ctx.period.start, to: ctx.period.end, groupBy: "metric" }, now);
    const zero = { amount: 0, currency: null };
    return {
      tenantId,
      subscription: null,
      note: "No live subscription: usage is shown, nothing is priced",
      currency: null,
      periodStart: iso(ctx.period.start),
      periodEnd: iso(ctx.period.end),
      asOf: iso(now),
      baseFee: zero,
      prorations: zero,
      usage: usage.groups.map((g) => ({ metric: g.metric, quantity: g.quantity, billableQuantity: "0", amount: zero })),
      usageTotal: zero,
      subtotal: zero,
      discounts: zero,
      tax: { ...zero, rateBps: 0 },
      total: zero,
      lines: [],
    };
  }
  const [draft, used] = await Promise.all([
    previewInvoice(env, db, tenantId, undefined, now),
    readUsage(env, tenantId, { ...ctx.scope, from: ctx.period.start, to: now, groupBy: "metric" }, now),
  ]);
  const quantityOf = new Map(used.groups.map((g) => [g.metric, g.quantity]));
  await evaluateCostAlerts(env, db, tenantId, now, { value: draft.totals.total, period: { start: draft.periodStart, end: draft.periodEnd } });
  const view = draftView(draft);
  const money = (amount: number) => ({ amount, currency: draft.currency });
  const sumOf = (kind: string) => draft.lines.filter((l) => l.kind === kind).reduce((s, l) => s + l.amount, 0);
  return {
    tenantId,
    subscription: subscriptionRef(ctx.sub),
    note: null,
    currency: draft.currency,
    periodStart: view.periodStart,
    periodEnd: view.periodEnd,
    asOf: view.asOf,
    baseFee: money(sumOf("base")),
    prorations: money(sumOf("proration")),
    usage: draft.lines
      .filter((l) => l.kind === "usage")
      .map((l) => ({ metric: l.meter!, quantity: quantityOf.get(l.meter!) ?? "0", billableQuantity: l.quantity, amount: money(l.amount) })),
    usageTotal: money(sumOf("usage")),
    subtotal: view.subtotal,
    discounts: view.discounts,
    tax: view.tax,
    total: view.total,
    lines: view.lines,
  };
}
