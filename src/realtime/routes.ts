import { createRoute, z } from "@hono/zod-openapi";
import { database } from "../db/client";
import { principalOf } from "../http/auth";
import { envelope, jsonBody, jsonResponses, ok, okPage, okWith, pageEnvelope } from "../http/envelope";
import { decodeCursor, PageQuery } from "../http/pagination";
import { createRouter, secured } from "../http/router";
import { TenantId } from "../tenants/schemas";
import { alertTenant, createAlert, dismissAlert, listAlerts } from "./alerts";
import { costByResource } from "./by-resource";
import { currentCost } from "./current";
import { Alert, AlertId, ByResourceQuery, CostByResource, CostTimeline, CreateAlert, CurrentCost, TimelineQuery } from "./schemas";
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
      summary: "Current costs: the billing period so far, live",
      ...read,
      request: { params: TenantParams },
      responses: jsonResponses(envelope(CurrentCost)),
    }),
    async (c) => ok(c, await currentCost(c.env, database(c.env.DB), c.req.valid("param").tenantId, await clockNow(c))),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/realtime-cost/tenants/{tenantId}/by-resource",
      tags,
      summary: "Cost by resource (or project, cost center)",
      ...read,
      request: { params: TenantParams, query: ByResourceQuery },
      responses: jsonResponses(envelope(CostByResource)),
    }),
    async (c) => {
      const q = c.req.valid("query");
      const data = await costByResource(c.env, database(c.env.DB), c.req.valid("param").tenantId, { from: instant(q.from), to: instant(q.to), groupBy: q.groupBy }, await clockNow(c));
      return ok(c, data);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/realtime-cost/tenants/{tenantId}/timeline",
      tags,
      summary: "Cost timeline per hour or day",
      ...read,
      request: { params: TenantParams, query: TimelineQuery },
      responses: jsonResponses(envelope(CostTimeline)),
    }),
    async (c) => {
      const q = c.req.valid("query");
      const data = await costTimeline(c.env, database(c.env.DB), c.req.valid("param").tenantId, { interval: q.interval, from: instant(q.from), to: instant(q.to) }, await clockNow(c));
      return ok(c, data);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/realtime-cost/tenants/{tenantId}/alerts",
      tags,
      summary: "Configure a cost or usage alert",
      ...secured("billing:update"),
      request: { params: TenantParams, ...jsonBody(CreateAlert) },
      responses: jsonResponses(envelope(Alert), "Created", 201),
    }),
    async (c) => okWith(c, await createAlert(c.env, database(c.env.DB), c.req.valid("param").tenantId, c.req.valid("json"), await clockNow(c)), 201),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/realtime-cost/tenants/{tenantId}/alerts",
      tags,
      summary: "List alerts with their state",
      ...read,
      request: { params: TenantParams, query: PageQuery },
      responses: jsonResponses(pageEnvelope(Alert)),
    }),
    async (c) => {
      const { limit, cursor } = c.req.valid("query");
      const page = await listAlerts(c.env, database(c.env.DB), c.req.valid("param").tenantId, { limit, after: decodeCursor(cursor) }, await clockNow(c));
      return okPage(c, page.items, page.nextCursor, limit);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/realtime-cost/alerts/{alertId}/dismiss",
      tags,
      summary: "Dismiss a triggered alert (until its window ends)",
      ...secured("billing:update"),
      request: { params: z.object({ alertId: AlertId }) },
      responses: jsonResponses(envelope(Alert)),
    }),
    async (c) => ok(c, await dismissAlert(database(c.env.DB), principalOf(c), c.req.valid("param").alertId, await clockNow(c, () => alertTenant(database(c.env.DB), c.req.valid("param").alertId)))),
  );
