import { createRoute, z } from "@hono/zod-openapi";
import { database } from "../db/client";
import { assertTenantAccess, principalOf } from "../http/auth";
import { badRequest } from "../http/errors";
import { described, secured } from "../http/router";
import { Seed002ErrorBody, Seed003ErrorBody, seed002Errors, seed003Errors } from "./errors";
import { errorResponsesIn } from "../http/envelope";
import { compatRouter } from "./router";
import { currentUsageAgainstLimits, organisationUsage } from "./usage-views";
import { clockNow } from "../clock";

const MAX_WINDOW_MS = 400 * 86_400_000;

/**
 * `GET /billing/usage` belongs to two documents: with `organization_id` it is seed 002's
 * organisation usage, without it seed 003's usage-against-limits. Errors follow the same split.
 */
export const billingUsageRoutes = compatRouter((err, c) => (c.req.query("organization_id") ? seed002Errors(err, c) : seed003Errors(err, c))).openapi(
  createRoute({
    method: "get",
    path: "/billing/usage",
    tags: ["App billing (compatibility API)", "Organization billing (compatibility API)"],
    operationId: "billingGetUsage",
    summary: "Usage: the current period against plan limits, or an organization's usage by project, product and hour",
    ...described(
      "One path, two APIs. Without `organization_id` (app billing): the token's tenant's current-period usage against its plan's limits, `{period, usage: {apiCalls, apiCallsLimit, …}}`, errors `{error, message, code}`. With `organization_id` (organization billing): that organization's usage in `[from, to)` (both required, at most 400 days) by project and product, and per hour, errors `{error: {code, message}}`.",
      secured("billing:read", "billing:update"),
    ),
    request: {
      query: z.object({
        organization_id: z.string().min(1).max(64).optional().describe("Organization billing: the organization (tenant) id"),
        from: z.iso.datetime({ offset: true }).optional().describe("Organization billing (required with organization_id): window start, inclusive"),
        to: z.iso.datetime({ offset: true }).optional().describe("Organization billing (required with organization_id): window end, exclusive"),
      }),
    },
    responses: {
      200: {
        description:
          "App billing: `{period, usage:{apiCalls, apiCallsLimit, …}}`; organization billing: `{organization_id, from, to, usage:[{project_id, product_id, metric, quantity, events}], hourly:[{hour, project_id, product_id, metric, quantity}]}`",
        content: { "application/json": { schema: z.record(z.string(), z.unknown()) } },
      },
      // The organization billing error shape with organization_id, the app billing one without.
      ...errorResponsesIn(z.union([Seed002ErrorBody, Seed003ErrorBody])),
    },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const principal = principalOf(c);
    const db = database(c.env.DB);
    const now = await clockNow(c);
    if (!q.organization_id) return c.json(await currentUsageAgainstLimits(c.env, db, principal.tenant, now), 200);
    assertTenantAccess(principal, q.organization_id);
    const missing = (["from", "to"] as const).filter((k) => q[k] === undefined);
    if (missing.length > 0) {
      throw badRequest(`${missing.join(" and ")} ${missing.length > 1 ? "are" : "is"} required with organization_id`, missing.map((path) => ({ path, message: "required with organization_id", code: "invalid_type" })));
    }
    const [from, to] = [Date.parse(q.from!), Date.parse(q.to!)];
    if (from >= to) throw badRequest("from must be before to", [{ path: "from", message: "must be before to", code: "custom" }]);
    if (to - from > MAX_WINDOW_MS) throw badRequest("A usage window may span at most 400 days", [{ path: "from", message: "at most 400 days before to", code: "too_big" }]);
    return c.json(await organisationUsage(c.env, db, q.organization_id, from, to, now), 200);
  },
);
