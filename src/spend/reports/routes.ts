import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { envelope, jsonResponses, ok } from "../../http/envelope";
import { createRouter, described, secured } from "../../http/router";
import { csvResponse, csvResponses } from "../../http/csv";
import { reportingCurrency } from "../currency";
import { toFilter } from "../filters";
import type { FilterQuery } from "../items/schemas";
import { readScope } from "../scope";
import { BreakdownQuery, BreakdownRow, ReportQuery, Summary, TrendPoint, TrendQuery } from "./schemas";
import { breakdown, summary, trend } from "./service";

const tags = ["Spend reports"];
const CURRENCY_RULE = " Amounts are never summed across currencies: a report covers one currency, `?currency=` or by default the tenant's.";

/** The database, and the filter narrowed to the caller's tenant and the reporting currency. */
async function reportScope(c: Context<AppEnv>, q: FilterQuery) {
  const db = c.var.db;
  const tenantId = readScope(c, q.tenantId);
  const currency = await reportingCurrency(db, tenantId, q.currency);
  return { db, currency, filter: toFilter(tenantId, { ...q, currency }) };
}

export const reportsRoutes = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/reports/summary",
      tags,
      operationId: "getSpendSummary",
      summary: "Total spend and item count",
      ...described(
        `The filtered items' total and count.${CURRENCY_RULE} \`byCurrency\` lists every currency present, each totalled on its own; \`from\` and \`to\` echo the filter.`,
        secured("billing:read"),
      ),
      request: { query: ReportQuery },
      responses: jsonResponses(envelope(Summary)),
    }),
    async (c) => {
      const q = c.req.valid("query");
      const { db, currency, filter } = await reportScope(c, q);
      return ok(c, await summary(db, filter, currency, { from: q.from?.text ?? null, to: q.to?.text ?? null }));
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/reports/breakdown",
      tags,
      operationId: "getSpendBreakdown",
      summary: "Spend grouped by provider, category, service, recurring or tag, largest first",
      ...described(
        `Groups the filtered items by \`by\` (default provider): amount, count and share of the total (one decimal, rounded half up). Items without the dimension are the group \`(none)\`; with \`by=tag\` an item counts under each of its tags.${CURRENCY_RULE}`,
        secured("billing:read"),
      ),
      request: { query: BreakdownQuery },
      responses: jsonResponses(envelope(z.array(BreakdownRow))),
    }),
    async (c) => {
      const q = c.req.valid("query");
      const { db, filter } = await reportScope(c, q);
      return ok(c, await breakdown(db, filter, q.by));
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/reports/trend",
      tags,
      operationId: "getSpendTrend",
      summary: "Spend per day, ISO week or month, oldest first (periods with no spend are left out)",
      ...described(
        `The filtered items' amount and count per UTC day (\`YYYY-MM-DD\`), ISO week (\`YYYY-Www\`) or month (\`YYYY-MM\`).${CURRENCY_RULE}`,
        secured("billing:read"),
      ),
      request: { query: TrendQuery },
      responses: jsonResponses(envelope(z.array(TrendPoint))),
    }),
    async (c) => {
      const q = c.req.valid("query");
      const { db, filter } = await reportScope(c, q);
      return ok(c, await trend(db, filter, q.interval));
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/reports/breakdown.csv",
      tags,
      operationId: "exportSpendBreakdownCsv",
      summary: "Export the breakdown as CSV (same filters): the group, amount, count, percentage, currency",
      ...described(`The breakdown's rows as an RFC 4180 CSV attachment.${CURRENCY_RULE}`, secured("billing:read")),
      request: { query: BreakdownQuery },
      responses: csvResponses("One row per group, largest first"),
    }),
    async (c) => {
      const q = c.req.valid("query");
      const { db, currency, filter } = await reportScope(c, q);
      const rows = (await breakdown(db, filter, q.by)).map((r) => [r.key, r.amount, r.count, r.percentage, currency]);
      return csvResponse(`spend-by-${q.by}.csv`, [q.by, "amount", "count", "percentage", "currency"], rows);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/reports/trend.csv",
      tags,
      operationId: "exportSpendTrendCsv",
      summary: "Export the trend as CSV (same filters): the period, amount, count, currency",
      ...described(`The trend's rows as an RFC 4180 CSV attachment.${CURRENCY_RULE}`, secured("billing:read")),
      request: { query: TrendQuery },
      responses: csvResponses("One row per period with spend, oldest first"),
    }),
    async (c) => {
      const q = c.req.valid("query");
      const { db, currency, filter } = await reportScope(c, q);
      const rows = (await trend(db, filter, q.interval)).map((p) => [p.date, p.amount, p.count, currency]);
      return csvResponse(`spend-per-${q.interval}.csv`, [q.interval, "amount", "count", "currency"], rows);
    },
  );
