import { createRoute } from "@hono/zod-openapi";
import { jsonResponses, okPage, pageEnvelope } from "../http/envelope";
import { createRouter, described, secured } from "../http/router";
import { listTenantOverviews } from "./overview";
import { TenantListQuery, TenantOverview } from "./schemas";

const tags = ["Tenants"];

// The operator's tenant list: each tenant's settings, live subscription and period-to-date total.
export const tenantOverviewRoutes = createRouter().openapi(
  createRoute({
    method: "get",
    path: "/tenants",
    tags,
    operationId: "listTenants",
    summary: "List tenants with their plan and period-to-date invoice total (operator)",
    ...described(
      "Every tenant that has settings or a subscription, by id: its name and currency, its live subscription (plan, status, current period) and `periodToDate`, the billing preview's total for that period. Each row prices a period, so pages are smaller than elsewhere (`limit` 1–50, default 20).",
      secured("admin"),
    ),
    request: { query: TenantListQuery },
    responses: jsonResponses(pageEnvelope(TenantOverview)),
  }),
  async (c) => {
    const query = c.req.valid("query");
    const page = await listTenantOverviews(c.env, c.var.db, query, Date.now());
    return okPage(c, page.items, page.nextCursor, query.limit);
  },
);
