import { createRoute, z } from "@hono/zod-openapi";
import { principalOf } from "../http/auth";
import { envelope, jsonBody, jsonResponses, ok, okPage, okWith, pageEnvelope } from "../http/envelope";
import { decodeCursor, PageQuery } from "../http/pagination";
import { createRouter, described, secured } from "../http/router";
import { TenantId } from "../http/fields";
import { Alert, alertTenant, dismissAlert, listAlerts } from "../alerts";
import { evaluateCostAlerts } from "./cost-alerts";
import { createAlert } from "./create-alert";
import { costByResource } from "./by-resource";
import { currentCost } from "./current";
import { AlertId, ByResourceQuery, CostByResource, CostTimeline, CreateAlert, CurrentCost, TimelineQuery } from "./schemas";
import { costTimeline } from "./timeline";
import { clockNow } from "../clock";

const tags = ["Real-time cost"];
const TenantParams = z.object({ tenantId: TenantId });
const read = secured("billing:read", "billing:update");
const instant = (s: string | undefined) => (s === undefined ? undefined : Date.parse(s));

export const realtimeRoutes = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/realtime-cost/tenants/{tenantId}/current",
      tags,
      operationId: "getCurrentCost",
      summary: "Current costs: the billing period so far, live",
      ...described(
        "What the current period costs so far, including an event recorded a moment ago: the billing preview's own draft (so the same cents), as base fee, prorations, usage per meter (used, billable after the included quantity, amount), discounts, tax and total. Without a live subscription: the calendar month's usage and zero amounts. Reading it also evaluates the tenant's cost alerts.",
        read,
      ),
      request: { params: TenantParams },
      responses: jsonResponses(envelope(CurrentCost)),
    }),
    async (c) => ok(c, await currentCost(c.env, c.var.db, c.req.valid("param").tenantId, await clockNow(c))),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/realtime-cost/tenants/{tenantId}/by-resource",
      tags,
      operationId: "getCostByResource",
      summary: "Cost by resource (or project, cost center)",
      ...described(
        "The usage charges split by `groupBy` (resource, project or costCenter) for the current period so far, or for `[from, to)` priced as a period of its own. Each meter's charge is computed once on its total, then allocated to the groups in proportion to their quantity (largest remainder), so the parts add up exactly.",
        read,
      ),
      request: { params: TenantParams, query: ByResourceQuery },
      responses: jsonResponses(envelope(CostByResource)),
    }),
    async (c) => {
      const q = c.req.valid("query");
      const data = await costByResource(
        c.env,
        c.var.db,
        c.req.valid("param").tenantId,
        { from: instant(q.from), to: instant(q.to), groupBy: q.groupBy },
        await clockNow(c),
      );
      return ok(c, data);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/realtime-cost/tenants/{tenantId}/timeline",
      tags,
      operationId: "getCostTimeline",
      summary: "Cost timeline per hour or day",
      ...described(
        "The current period's usage charges per UTC hour or day (at most 800 buckets): each bucket's amount is the period-to-date charge at its end minus that at its start, so included quantities and tiers fall where the invoice puts them and the buckets add up to the period's usage total.",
        read,
      ),
      request: { params: TenantParams, query: TimelineQuery },
      responses: jsonResponses(envelope(CostTimeline)),
    }),
    async (c) => {
      const q = c.req.valid("query");
      const data = await costTimeline(
        c.env,
        c.var.db,
        c.req.valid("param").tenantId,
        { interval: q.interval, from: instant(q.from), to: instant(q.to) },
        await clockNow(c),
      );
      return ok(c, data);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/realtime-cost/tenants/{tenantId}/alerts",
      tags,
      operationId: "createAlert",
      summary: "Configure a cost or usage alert",
      ...described(
        "An alert that fires once per window (billing period, UTC day or hour) when a value crosses `threshold`: cost in minor units of the subscription's currency, or usage of a `metric`. Usage alerts fire in the transaction that records the crossing event; cost alerts when read and hourly. Each trigger is a `usage.alert.triggered` event, sent to `channel.webhookUrl` if given.",
        secured("billing:update"),
      ),
      request: { params: TenantParams, ...jsonBody(CreateAlert) },
      responses: jsonResponses(envelope(Alert), "Created", 201),
    }),
    async (c) => okWith(c, await createAlert(c.env, c.var.db, c.req.valid("param").tenantId, c.req.valid("json"), await clockNow(c)), 201),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/realtime-cost/tenants/{tenantId}/alerts",
      tags,
      operationId: "listAlerts",
      summary: "List alerts with their state",
      ...described(
        "The tenant's alerts, oldest first, each `ok`, `triggered` or `dismissed` in its current window, with the last value and the trigger's window. Paginated.",
        read,
      ),
      request: { params: TenantParams, query: PageQuery },
      responses: jsonResponses(pageEnvelope(Alert)),
    }),
    async (c) => {
      const { limit, cursor } = c.req.valid("query");
      const { tenantId } = c.req.valid("param");
      const now = await clockNow(c);
      await evaluateCostAlerts(c.env, c.var.db, tenantId, now);
      const page = await listAlerts(c.var.db, tenantId, { limit, after: decodeCursor(cursor) }, now);
      return okPage(c, page.items, page.nextCursor, limit);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/realtime-cost/alerts/{alertId}/dismiss",
      tags,
      operationId: "dismissAlert",
      summary: "Dismiss a triggered alert (until its window ends)",
      ...described(
        "Marks a triggered alert dismissed until its window ends, when it reads `ok` and can fire again. An alert that is not triggered is 409.",
        secured("billing:update"),
      ),
      request: { params: z.object({ alertId: AlertId }) },
      responses: jsonResponses(envelope(Alert)),
    }),
    async (c) =>
      ok(
        c,
        await dismissAlert(
          c.var.db,
          principalOf(c),
          c.req.valid("param").alertId,
          await clockNow(c, () => alertTenant(c.var.db, c.req.valid("param").alertId)),
        ),
      ),
  );
