import { createRoute, z } from "@hono/zod-openapi";
import { database } from "../db/client";
import { assertTenantAccess, principalOf } from "../http/auth";
import { badRequest } from "../http/errors";
import { secured } from "../http/router";
import { seed002Errors, seed003Errors } from "./errors";
import { DAY_MS } from "../lib/time";
import { compatRouter } from "./router";
import { currentUsageAgainstLimits, organisationUsage } from "./usage-views";

/**
 * `GET /billing/usage` belongs to two documents: with `organization_id` it is seed 002's
 * organisation usage, without it seed 003's usage-against-limits. Errors follow the same split.
 */
export const billingUsageRoutes = compatRouter((err, c) => (c.req.query("organization_id") ? seed002Errors(err, c) : seed003Errors(err, c))).openapi(
  createRoute({
    method: "get",
    path: "/billing/usage",
    tags: ["Seed 003: app billing", "Seed 002: organisation billing"],
    summary: "Usage: current period against plan limits (seed 003), or an organisation's usage by project, product and hour (seed 002)",
    ...secured("billing:read", "billing:update"),
    request: {
      query: z.object({
        organization_id: z.string().min(1).max(64).optional().describe("Seed 002: the organisation (tenant) id"),
        from: z.iso.datetime({ offset: true }).optional().describe("Seed 002: window start (default: 30 days ago)"),
        to: z.iso.datetime({ offset: true }).optional().describe("Seed 002: window end, exclusive (default: now)"),
      }),
    },
    responses: {
      200: {
        description: "Seed 003: `{period, usage:{apiCalls, apiCallsLimit, …}}`; seed 002: `{organization_id, from, to, usage:[…], hourly:[…]}`",
        content: { "application/json": { schema: z.record(z.string(), z.unknown()) } },
      },
    },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const principal = principalOf(c);
    const db = database(c.env.DB);
    const now = Date.now();
    if (!q.organization_id) return c.json(await currentUsageAgainstLimits(c.env, db, principal.tenant, now), 200);
    assertTenantAccess(principal, q.organization_id);
    const to = q.to ? Date.parse(q.to) : now;
    const from = q.from ? Date.parse(q.from) : to - 30 * DAY_MS;
    if (from >= to) throw badRequest("from must be before to", [{ path: "from", message: "must be before to" }]);
    return c.json(await organisationUsage(c.env, db, q.organization_id, from, to, now), 200);
  },
);
