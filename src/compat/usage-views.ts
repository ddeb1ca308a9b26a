import type { Db } from "../db/client";
import type { Bindings } from "../env";
import { readUsage } from "../metering/usage";
import { findPlanVersion } from "../plans/service";
import { findLiveSubscription } from "../subscriptions/queries";
import { catchUp } from "../subscriptions/rollover";
import { subscriptions } from "../subscriptions/table";
import { eq } from "drizzle-orm";
import { iso } from "../lib/time";

/**
 * Seed 003's `GET /billing/usage`: the current period's usage of every plan meter (and any
 * other metric used) against its limit, as `{metric}` and `{metric}Limit` (null = no limit).
 * Without a subscription the period is the calendar month (UTC) and there are no limits.
 */
export async function currentUsageAgainstLimits(env: Bindings, db: Db, tenantId: string, now: number) {
  const live = await findLiveSubscription(db, tenantId);
  const sub = live ? await catchUp(db, env, live, now) : undefined;
  const monthStart = Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth(), 1);
  const from = sub?.currentPeriodStart ?? monthStart;
  const to = sub?.currentPeriodEnd ?? Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth() + 1, 1);
  const plan = sub ? await findPlanVersion(db, sub.planId, sub.planVersion) : undefined;
  const { groups } = await readUsage(env, tenantId, { from, to: Math.min(to, now + 1), groupBy: "metric" }, now);
  const usage: Record<string, number | null> = {};
  for (const meter of plan?.meters ?? []) {
    usage[meter.metric] = 0;
    usage[`${meter.metric}Limit`] = meter.limit;
  }
  for (const g of groups) {
    usage[g.metric] = Number(g.quantity);
    if (!(`${g.metric}Limit` in usage)) usage[`${g.metric}Limit`] = null;
  }
  return { period: iso(from).slice(0, 7), periodStart: iso(from), periodEnd: iso(to), plan: sub?.planId ?? null, usage };
}

/**
 * Seed 002's `GET /billing/usage?organization_id=`: consumption in [from, to) by project and
 * product, and per hour within each project. A project's product is the product of the
 * subscription linking it; usage without a project (or of a project without a subscription of
 * its own) belongs to the organisation-wide subscription's product.
 */
export async function organisationUsage(env: Bindings, db: Db, tenantId: string, from: number, to: number, now: number) {
  const [byProject, byProjectHour, subs] = await Promise.all([
    readUsage(env, tenantId, { from, to, groupBy: "project" }, now),
    readUsage(env, tenantId, { from, to, groupBy: "project", thenBy: "hour" }, now),
    db.select({ projectId: subscriptions.projectId, productId: subscriptions.productId }).from(subscriptions).where(eq(subscriptions.tenantId, tenantId)),
  ]);
  const productOf = new Map(subs.filter((s) => s.projectId).map((s) => [s.projectId!, s.productId]));
  const orgProduct = subs.find((s) => !s.projectId)?.productId ?? null;
  const product = (projectId: string | null) => (projectId ? productOf.get(projectId) : undefined) ?? orgProduct;
  return {
    organization_id: tenantId,
    from: iso(from),
    to: iso(to),
    usage: byProject.groups.map((g) => ({
      project_id: g.key,
      product_id: product(g.key),
      metric: g.metric,
      quantity: g.quantity,
      events: g.events,
    })),
    hourly: byProjectHour.groups
      .map((g) => ({ hour: g.subKey!, project_id: g.key, product_id: product(g.key), metric: g.metric, quantity: g.quantity }))
      .sort((a, b) => a.hour.localeCompare(b.hour) || a.metric.localeCompare(b.metric) || (a.project_id ?? "").localeCompare(b.project_id ?? "")),
  };
}
