import { createRoute, z } from "@hono/zod-openapi";
import { clockNow } from "../clock";
import { csvResponse, csvResponses } from "../http/csv";
import { envelope, jsonResponses, ok } from "../http/envelope";
import { TenantId } from "../http/fields";
import { createRouter, described, secured } from "../http/router";
import { lateUsage } from "../invoices/late-usage";
import { SummaryQuery, UsageSummary } from "./schemas";
import { summaryCsv, usageSummary } from "./summary";

const tags = ["Usage"];
const Params = z.object({ tenantId: TenantId });

// The usage summary reads the meter and, for `lateUsage`, the finalized invoices.
export const usageSummaryRoutes = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/tenants/{tenantId}/usage/summary",
      tags,
      operationId: "getUsageSummary",
      summary: "Usage totals for a window, per metric or grouped",
      ...described(
        "Totals per metric, aggregated as the tenant's plan says, for `[from, to)` (default: the current billing period; at most 400 days), optionally grouped by project, resource, cost center, hour or day and filtered by `metric` and `projectId`. Includes what the meter has not flushed yet, so a client sees its own writes at once, and `lateUsage`: usage that arrived after its period was invoiced.",
        secured("billing:read", "usage:write"),
      ),
      request: { params: Params, query: SummaryQuery },
      responses: jsonResponses(envelope(UsageSummary)),
    }),
    async (c) => {
      const { tenantId } = c.req.valid("param");
      const summary = await usageSummary(c.env, tenantId, c.req.valid("query"), await clockNow(c));
      const late = await lateUsage(c.env, c.var.db, tenantId, { from: Date.parse(summary.from), to: Date.parse(summary.to) });
      return ok(c, { ...summary, lateUsage: late });
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/tenants/{tenantId}/usage/summary.csv",
      tags,
      operationId: "exportUsageSummaryCsv",
      summary: "Export the usage summary as CSV (same window, filters and grouping)",
      ...described("The usage summary's rows as an RFC 4180 CSV attachment, the group column named after `groupBy`.", secured("billing:read", "usage:write")),
      request: { params: Params, query: SummaryQuery },
      responses: csvResponses("One row per metric (and group): metric, aggregation, the group key, quantity, events, rejected"),
    }),
    async (c) => {
      const { tenantId } = c.req.valid("param");
      const summary = await usageSummary(c.env, tenantId, c.req.valid("query"), await clockNow(c));
      const { columns, rows } = summaryCsv(summary);
      return csvResponse(`usage-${tenantId}-${summary.from.slice(0, 10)}-${summary.to.slice(0, 10)}.csv`, columns, rows);
    },
  );
