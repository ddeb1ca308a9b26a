import type { Db } from "../../db/client";
import type { Bindings, Principal } from "../../env";
import { assertTenantAccess } from "../../http/auth";
import { badRequest } from "../../http/errors";
import { iso } from "../../lib/time";
import { readUsage } from "../../metering";
import { tenantSubscriptionLinks } from "../../subscriptions";

/**
 * Seed 002's `GET /billing/usage?organization_id=`: consumption in [from, to) by project and
 * product, and per hour within each project. A project's product is the product of the
 * subscription linking it; usage without a project (or of a project without a subscription of
 * its own) belongs to the organisation-wide subscription's product.
 */
async function organisationUsage(env: Bindings, db: Db, tenantId: string, from: number, to: number, now: number) {
  const [byProject, byProjectHour, subs] = await Promise.all([
    readUsage(env, tenantId, { from, to, groupBy: "project" }, now),
    readUsage(env, tenantId, { from, to, groupBy: "project", thenBy: "hour" }, now),
    tenantSubscriptionLinks(db, tenantId),
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

const MAX_WINDOW_MS = 400 * 86_400_000;

/** The query of seed 002's `GET /billing/usage`: the organisation and its window, both ends required. */
export interface OrganisationUsageQuery {
  organization_id: string;
  from?: string;
  to?: string;
}

/** Seed 002's usage of an organisation the principal may read, in a window of at most 400 days. */
export async function organisationUsageFor(env: Bindings, db: Db, principal: Principal, q: OrganisationUsageQuery, now: number) {
  assertTenantAccess(principal, q.organization_id);
  const missing = (["from", "to"] as const).filter((k) => q[k] === undefined);
  if (missing.length > 0) {
    throw badRequest(
      `${missing.join(" and ")} ${missing.length > 1 ? "are" : "is"} required with organization_id`,
      missing.map((path) => ({ path, message: "required with organization_id", code: "invalid_type" })),
    );
  }
  const [from, to] = [Date.parse(q.from!), Date.parse(q.to!)];
  if (from >= to) throw badRequest("from must be before to", [{ path: "from", message: "must be before to", code: "custom" }]);
  if (to - from > MAX_WINDOW_MS)
    throw badRequest("A usage window may span at most 400 days", [{ path: "from", message: "at most 400 days before to", code: "too_big" }]);
  return organisationUsage(env, db, q.organization_id, from, to, now);
}
