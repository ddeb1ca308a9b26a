import type { Db } from "../db/client";
import { iso } from "../lib/time";
import type { Bindings } from "../env";
import { badRequest } from "../http/errors";
import { currentPricedUsage } from "../invoices/draft";
import { decimal, formatDecimal } from "../metering/quantity";
import { readUsage, type Aggregation, type UsageWindow } from "../metering/usage";
import type { SubscriptionRow } from "../subscriptions/queries";
import { allocate } from "../money/allocate";
import { costContext, meterCharge, subscriptionRef, type CostContext } from "./context";

export type CostGroupBy = "resource" | "project" | "costCenter";

export const ALLOCATION_RULE =
  "Each meter's charge is computed once on its total quantity (tiers, packages and included quantities are not additive), then split across the groups in proportion to their quantity by the largest-remainder method: every part is within one minor unit of its exact share and the parts add up exactly to the meter's charge. For the current period the charges are the invoice's: one per plan version in force, over the time and scope it billed; an explicit window is priced as a period of its own on the current plan. Usage without the dimension is the group null.";

interface MeterCost {
  metric: string;
  aggregation: Aggregation;
  quantity: string;
  charge: number;
  parts: Array<{ key: string | null; quantity: string }>;
}

/**
 * Cost of a window (default: the current billing period so far) broken down by resource,
 * project or cost center. With `from`/`to`, the window's usage is priced as a period of its own.
 */
export async function costByResource(env: Bindings, db: Db, tenantId: string, q: { from?: number; to?: number; groupBy: CostGroupBy }, now: number) {
  const ctx = await costContext(env, db, tenantId, now);
  const from = q.from ?? ctx.period.start;
  const to = q.to ?? Math.min(now, ctx.period.end);
  if (from >= to) throw badRequest("from must be before to", [{ path: "to", message: "must be after from" }]);
  const costs =
    ctx.sub && q.from === undefined && q.to === undefined
      ? await periodCosts(env, db, ctx.sub, q.groupBy, now)
      : await windowCosts(env, ctx, { from, to, ...ctx.scope }, q.groupBy, now);
  const money = (amount: number) => ({ amount, currency: ctx.currency });

  const meters = mergeByMetric(costs).map((m) => ({
    metric: m.metric,
    aggregation: m.aggregation,
    quantity: m.quantity,
    amount: money(m.charge),
    groups: m.groups.map((g) => ({ key: g.key, quantity: g.quantity, amount: money(g.amount) })),
  }));

  const byKey = new Map<string | null, { key: string | null; amount: number; meters: Array<{ metric: string; quantity: string; amount: number }> }>();
  for (const m of meters) {
    for (const g of m.groups) {
      const entry = byKey.get(g.key) ?? { key: g.key, amount: 0, meters: [] };
      entry.amount += g.amount.amount;
      entry.meters.push({ metric: m.metric, quantity: g.quantity, amount: g.amount.amount });
      byKey.set(g.key, entry);
    }
  }
  const items = [...byKey.values()]
    .sort((a, b) => b.amount - a.amount || (a.key ?? "").localeCompare(b.key ?? ""))
    .map((e) => ({ key: e.key, amount: money(e.amount), meters: e.meters.map((m) => ({ ...m, amount: money(m.amount) })) }));

  return {
    tenantId,
    subscription: subscriptionRef(ctx.sub),
    currency: ctx.currency,
    groupBy: q.groupBy,
    from: iso(from),
    to: iso(to),
    items,
    meters,
    total: money(meters.reduce((s, m) => s + m.amount.amount, 0)),
    allocation: ALLOCATION_RULE,
  };
}

/** An explicit window, priced as a period of its own on the current plan. */
async function windowCosts(env: Bindings, ctx: CostContext, window: UsageWindow, groupBy: CostGroupBy, now: number): Promise<MeterCost[]> {
  const [totals, groups] = await Promise.all([
    readUsage(env, ctx.tenantId, { ...window, groupBy: "metric" }, now),
    readUsage(env, ctx.tenantId, { ...window, groupBy }, now),
  ]);
  return totals.groups.map((t) => ({
    metric: t.metric,
    aggregation: t.aggregation,
    quantity: t.quantity,
    charge: meterCharge(ctx.plan, t.metric, t.quantity, ctx.roundingMode),
    parts: groups.groups.filter((g) => g.metric === t.metric).map((g) => ({ key: g.key, quantity: g.quantity })),
  }));
}

/** The current period so far: the invoice's own charges (per plan version), each split over the groups of the usage it priced. */
async function periodCosts(env: Bindings, db: Db, sub: SubscriptionRow, groupBy: CostGroupBy, now: number): Promise<MeterCost[]> {
  const costs: MeterCost[] = [];
  for (const version of await currentPricedUsage(env, db, sub, now)) {
    const reads = await Promise.all(version.windows.map((w) => readUsage(env, sub.tenantId, { ...w, groupBy }, now)));
    for (const m of version.meters) {
      const byKey = new Map<string | null, bigint>();
      for (const g of reads.flatMap((r) => r.groups).filter((g) => g.metric === m.metric)) byKey.set(g.key, (byKey.get(g.key) ?? 0n) + decimal(g.quantity));
      costs.push({
        metric: m.metric,
        aggregation: m.aggregation,
        quantity: m.quantity,
        charge: m.charge.amount,
        parts: [...byKey].map(([key, quantity]) => ({ key, quantity: formatDecimal(quantity) })),
      });
    }
  }
  return costs;
}

/** One entry per metric: the charges of its plan versions added, each version's split kept exact and the groups' parts added. */
function mergeByMetric(costs: MeterCost[]) {
  const out = new Map<
    string,
    {
      metric: string;
      aggregation: Aggregation;
      quantity: bigint;
      charge: number;
      groups: Map<string | null, { key: string | null; quantity: bigint; amount: number }>;
    }
  >();
  for (const c of costs) {
    const entry = out.get(c.metric) ?? { metric: c.metric, aggregation: c.aggregation, quantity: 0n, charge: 0, groups: new Map() };
    entry.quantity += decimal(c.quantity);
    entry.charge += c.charge;
    const shares = allocate(
      c.charge,
      c.parts.map((p) => decimal(p.quantity)),
    );
    c.parts.forEach((p, i) => {
      const g = entry.groups.get(p.key) ?? { key: p.key, quantity: 0n, amount: 0 };
      g.quantity += decimal(p.quantity);
      g.amount += shares[i]!;
      entry.groups.set(p.key, g);
    });
    out.set(c.metric, entry);
  }
  return [...out.values()].map((e) => ({
    metric: e.metric,
    aggregation: e.aggregation,
    quantity: formatDecimal(e.quantity),
    charge: e.charge,
    groups: [...e.groups.values()].map((g) => ({ key: g.key, quantity: formatDecimal(g.quantity), amount: g.amount })),
  }));
}
