import { createRoute, z } from "@hono/zod-openapi";
import { clockNow } from "../clock";
import { database } from "../db/client";
import { principalOf } from "../http/auth";
import { errorResponsesIn } from "../http/envelope";
import { createRouter, secured } from "../http/router";
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
    tags: ["Seed 003: app billing", "Seed 002: organisation billing"],
    summary: "Usage: current period against plan limits (seed 003), or an organisation's usage by project, product and hour (seed 002)",
    ...secured("billing:read", "billing:update"),
    request: {
      query: z.object({
        organization_id: z.string().min(1).max(64).optional().describe("Seed 002: the organisation (tenant) id"),
        from: z.iso.datetime({ offset: true }).optional().describe("Seed 002 (required with organization_id): window start, inclusive"),
        to: z.iso.datetime({ offset: true }).optional().describe("Seed 002 (required with organization_id): window end, exclusive"),
      }),
    },
    responses: {
      200: {
        description: "Seed 003: `{period, usage:{apiCalls, apiCallsLimit, …}}`; seed 002: `{organization_id, from, to, usage:[{project_id, product_id, metric, quantity, events}], hourly:[{hour, project_id, product_id, metric, quantity}]}`",
        content: { "application/json": { schema: z.record(z.string(), z.unknown()) } },
      },
      // Seed 002's error shape with organization_id, seed 003's without.
      ...errorResponsesIn(z.union([OrganizationErrorBody, AppErrorBody])),
    },
  }),
  async (c) => {
    const { organization_id, from, to } = c.req.valid("query");
    const principal = principalOf(c);
    const db = database(c.env.DB);
    const now = await clockNow(c);
    if (!organization_id) return c.json(await currentUsageAgainstLimits(c.env, db, principal.tenant, now), 200);
    return c.json(await organisationUsageFor(c.env, db, principal, { organization_id, from, to }, now), 200);
  },
);
