import { createRoute, z } from "@hono/zod-openapi";
import { clockNow } from "../clock";
import { principalOf } from "../http/auth";
import { errorResponsesIn } from "../http/envelope";
import { createRouter, described, secured } from "../http/router";
import { AppErrorBody, currentUsageAgainstLimits } from "./app-billing";
import { OrganizationErrorBody, organisationUsageFor } from "./organization-billing";

/**
 * `GET /billing/usage` belongs to two documents: with `organization_id` it is seed 002's
 * organisation usage, without it seed 003's usage-against-limits. Errors follow the same split
 * (each surface's `owns`).
 */
export const billingUsageRoutes = createRouter().openapi(
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
      ...errorResponsesIn(z.union([OrganizationErrorBody, AppErrorBody])),
    },
  }),
  async (c) => {
    const { organization_id, from, to } = c.req.valid("query");
    const principal = principalOf(c);
    const db = c.var.db;
    const now = await clockNow(c);
    if (!organization_id) return c.json(await currentUsageAgainstLimits(c.env, db, principal.tenant, now), 200);
    return c.json(await organisationUsageFor(c.env, db, principal, { organization_id, from, to }, now), 200);
  },
);
