import type { Db } from "../db/client";
import { iso } from "../lib/time";
import type { Bindings } from "../env";
import { badRequest } from "../http/errors";
import { decimal } from "../metering/quantity";
import { readUsage } from "../metering/usage";
import { allocate } from "../money/allocate";
import { costContext, meterCharge, subscriptionRef } from "./context";

export type CostGroupBy = "resource" | "project" | "costCenter";

export const ALLOCATION_RULE =
  "Each meter's charge is computed once on its total quantity for the window (tiers, packages and included quantities are not additive), then split across the groups in proportion to their quantity by the largest-remainder method: every part is within one minor unit of its exact share and the parts add up exactly to the meter's charge. Usage without the dimension is the group null.";

/**
 * Cost of a window (default: the current billing period so far) broken down by resource,
 * project or cost center. With `from`/`to`, the window's usage is priced as a period of its own.
 */
export async function costByResource(
  env: Bindings,
  db: Db,
  tenantId: string,
  q: { from?: number; to?: number; groupBy: CostGroupBy },
  now: number,
) {
  const ctx = await costContext(env, db, tenantId, now);
  const from = q.from ?? ctx.period.start;
  const to = q.to ?? Math.min(now, ctx.period.end);
  if (from >= to) throw badRequest("from must be before to", [{ path: "to", message: "must be after from" }]);
  const window = { from, to, ...ctx.scope };
  const [totals, groups] = await Promise.all([
    readUsage(env, tenantId, { ...window, groupBy: "metric" }, now),
    readUsage(env, tenantId, { ...window, groupBy: q.groupBy }, now),
  ]);
  const money = (amount: number) => ({ amount, currency: ctx.currency });

  const meters = totals.groups.map((t) => {
    const parts = groups.groups.filter((g) => g.metric === t.metric);
    const charge = meterCharge(ctx.plan, t.metric, t.quantity, ctx.roundingMode);
    const shares = allocate(charge, parts.map((p) => decimal(p.quantity)));
    return {
      metric: t.metric,
      aggregation: t.aggregation,
      quantity: t.quantity,
      amount: money(charge),
      groups: parts.map((p, i) => ({ key: p.key, quantity: p.quantity, amount: money(shares[i]!) })),
    };
  });

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
