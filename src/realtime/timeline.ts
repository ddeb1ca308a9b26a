import type { Db } from "../db/client";
import { iso } from "../lib/time";
import type { Bindings } from "../env";
import { badRequest } from "../http/errors";
import { DAY_MS, HOUR_MS } from "../lib/time";
import { decimal, formatDecimal, maxOf } from "../metering/quantity";
import { readUsage, type Aggregation, type UsageGroup } from "../metering/usage";
import { costContext, meterCharge, subscriptionRef } from "./context";

export type Interval = "hour" | "day";
export const MAX_BUCKETS = 800;

const step = (interval: Interval) => (interval === "hour" ? HOUR_MS : DAY_MS);
const floorTo = (ts: number, interval: Interval) => Math.floor(ts / step(interval)) * step(interval);

/**
 * Usage cost per hour or day of the current billing period. A bucket's cost is the period's
 * usage charge priced on the cumulative quantity at the bucket's end minus the same at its
 * start, so tiers and included quantities apply exactly as on the invoice and the buckets add
 * up to the period-to-date usage charge (no rounding is lost between buckets).
 * The window must lie in the current billing period (default: its start until now).
 */
export async function costTimeline(env: Bindings, db: Db, tenantId: string, q: { interval: Interval; from?: number; to?: number }, now: number) {
  const ctx = await costContext(env, db, tenantId, now);
  const { start: periodStart, end: periodEnd } = ctx.period;
  // Rollups are hourly (split at period boundaries), so bucket edges are aligned to the interval.
  const from = Math.max(periodStart, q.from === undefined ? periodStart : floorTo(q.from, q.interval));
  const to = Math.min(periodEnd, q.to ?? now, Math.max(now, from + 1));
  if (q.from !== undefined && q.from >= periodEnd) {
    throw badRequest("from must lie in the current billing period", [{ path: "from", message: `before ${iso(periodEnd)}` }]);
  }
  if (q.to !== undefined && q.to <= periodStart) {
    throw badRequest("to must lie in the current billing period", [{ path: "to", message: `after ${iso(periodStart)}` }]);
  }
  if (from >= to) throw badRequest("from must be before to", [{ path: "to", message: "must be after from" }]);
  const edges = [from];
  for (let t = floorTo(from, q.interval) + step(q.interval); t < to; t += step(q.interval)) edges.push(t);
  edges.push(to);
  if (edges.length - 1 > MAX_BUCKETS) {
    throw badRequest(`At most ${MAX_BUCKETS} buckets per timeline`, [{ path: "interval", message: "use day for long windows" }]);
  }

  const scope = ctx.scope;
  const [before, inWindow] = await Promise.all([
    from > periodStart ? readUsage(env, tenantId, { ...scope, from: periodStart, to: from, groupBy: "metric" }, now) : null,
    readUsage(env, tenantId, { ...scope, from, to, groupBy: q.interval }, now),
  ]);
  const metrics = [...new Set(inWindow.groups.map((g) => g.metric))].sort();
  const aggregationOf = new Map(inWindow.groups.map((g) => [g.metric, g.aggregation]));
  const bucketKeys = edges.slice(0, -1).map((e) => iso(floorTo(e, q.interval)));

  // Cumulative quantity per metric at each bucket end.
  const cumulative = new Map<string, string[]>();
  for (const metric of metrics) {
    const aggregation = aggregationOf.get(metric)!;
    const byKey = new Map(inWindow.groups.filter((g) => g.metric === metric).map((g) => [g.key, g]));
    const base = before?.groups.find((g) => g.metric === metric)?.quantity ?? "0";
    if (aggregation === "unique_count") {
      // Distinct values do not add up across buckets: ask the meter for each bucket end.
      cumulative.set(
        metric,
        await Promise.all(
          edges.slice(1).map(async (end) => {
            const r = await readUsage(env, tenantId, { ...scope, from: periodStart, to: end, metric, groupBy: "metric" }, now);
            return r.groups[0]?.quantity ?? "0";
          }),
        ),
      );
    } else {
      cumulative.set(
        metric,
        runningTotals(
          aggregation,
          base,
          bucketKeys.map((k) => byKey.get(k)),
        ),
      );
    }
  }

  const money = (amount: number) => ({ amount, currency: ctx.currency });
  const startCharge = new Map(metrics.map((m) => [m, meterCharge(ctx.plan, m, before?.groups.find((g) => g.metric === m)?.quantity ?? "0", ctx.roundingMode)]));
  const buckets = bucketKeys.map((key, i) => {
    const meters = metrics.map((metric) => {
      const group = inWindow.groups.find((g) => g.metric === metric && g.key === key);
      const charge = meterCharge(ctx.plan, metric, cumulative.get(metric)![i]!, ctx.roundingMode);
      const amount = charge - startCharge.get(metric)!;
      startCharge.set(metric, charge);
      return { metric, quantity: group?.quantity ?? "0", cumulativeQuantity: cumulative.get(metric)![i]!, amount: money(amount) };
    });
    return {
      start: iso(edges[i]!),
      end: iso(edges[i + 1]!),
      amount: money(meters.reduce((s, m) => s + m.amount.amount, 0)),
      meters,
    };
  });
  return {
    tenantId,
    subscription: subscriptionRef(ctx.sub),
    currency: ctx.currency,
    interval: q.interval,
    from: iso(from),
    to: iso(to),
    buckets,
    total: money(buckets.reduce((s, b) => s + b.amount.amount, 0)),
    method:
      "bucket cost = usage charge priced on the cumulative period quantity at the bucket's end − the same at its start; buckets sum exactly to the usage charge for the window",
  };
}

/** Cumulative metered value after each bucket, for aggregations that combine across buckets. */
function runningTotals(aggregation: Aggregation, base: string, buckets: Array<UsageGroup | undefined>): string[] {
  let acc = decimal(base);
  return buckets.map((b) => {
    if (b && b.events > 0) {
      const q = decimal(b.quantity);
      if (aggregation === "sum" || aggregation === "count") acc += q;
      else if (aggregation === "max") acc = maxOf(acc, q);
      else acc = q; // latest: the most recent bucket with events holds the latest value
    }
    return formatDecimal(acc);
  });
}
