import { createRoute, z } from "@hono/zod-openapi";
import { TenantId } from "../tenants/schemas";
import { envelope, jsonBody, jsonResponses, ok, okWith } from "../http/envelope";
import { createRouter, rateLimitedAs, secured } from "../http/router";
import { ErrorBody } from "../http/envelope";
import { BatchAccepted, RecordedEvent, SummaryQuery, UsageBatchInput, UsageEventInput, UsageSummary } from "./schemas";
import { enqueueBatch, recordUsage } from "./service";
import { database } from "../db/client";
import { lateUsage } from "../invoices/late-usage";
import { summaryCsv, usageSummary } from "./summary";
import { csvResponse, csvResponses } from "../http/csv";
import { withCloudEvents } from "./cloudevents";
import { clockNow } from "../clock";

const tags = ["Usage"];
const Params = z.object({ tenantId: TenantId });
const refusals = {
  402: {
    description: "Refused: a hard quota would be exceeded (QUOTA_EXCEEDED) or the subscription is paused (SUBSCRIPTION_PAUSED)",
    content: { "application/json": { schema: ErrorBody } },
  },
};

export const usageRoutes = createRouter()
  .openapi(
    withCloudEvents(
      createRoute({
        method: "post",
        path: "/tenants/{tenantId}/usage",
        tags,
        summary: "Record a usage event",
        ...rateLimitedAs("usage", secured("usage:write")),
        request: { params: Params, ...jsonBody(UsageEventInput) },
        responses: { ...jsonResponses(envelope(RecordedEvent)), ...refusals },
      }),
      "single",
    ),
    async (c) => ok(c, await recordUsage(c.env, c.req.valid("param").tenantId, c.req.valid("json"), await clockNow(c))),
  )
  .openapi(
    withCloudEvents(
      createRoute({
        method: "post",
        path: "/tenants/{tenantId}/usage/batch",
        tags,
        summary: "Record up to 1,000 usage events (asynchronously, via the queue)",
        ...rateLimitedAs("usage", secured("usage:write")),
        request: { params: Params, ...jsonBody(UsageBatchInput) },
        responses: jsonResponses(envelope(BatchAccepted), "Accepted: validated and enqueued", 202),
      }),
      "batch",
    ),
    async (c) =>
      okWith(c, await enqueueBatch(c.env, c.req.valid("param").tenantId, c.req.valid("json").events, await clockNow(c)), 202),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/tenants/{tenantId}/usage/summary",
      tags,
      summary: "Usage totals for a window, per metric or grouped",
      ...secured("billing:read", "usage:write"),
      request: { params: Params, query: SummaryQuery },
      responses: jsonResponses(envelope(UsageSummary)),
    }),
    async (c) => {
      const { tenantId } = c.req.valid("param");
      const summary = await usageSummary(c.env, tenantId, c.req.valid("query"), await clockNow(c));
      const late = await lateUsage(c.env, database(c.env.DB), tenantId, { from: Date.parse(summary.from), to: Date.parse(summary.to) });
      return ok(c, { ...summary, lateUsage: late });
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/tenants/{tenantId}/usage/summary.csv",
      tags,
      summary: "Export the usage summary as CSV (same window, filters and grouping)",
      ...secured("billing:read", "usage:write"),
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
