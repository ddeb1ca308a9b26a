import { createRoute, z } from "@hono/zod-openapi";
import { envelope, jsonBody, jsonResponses, ok, okPage, pageEnvelope } from "../http/envelope";
import { createRouter, described, secured } from "../http/router";
import { listTenantOverviews } from "./overview";
import { Tenant, TenantListQuery, TenantOverview, UpdateTenant } from "./schemas";
import { TenantId } from "../http/fields";
import { getTenant, updateTenant } from "./service";
import { clockNow } from "../clock";

const tags = ["Tenants"];
const Params = z.object({ tenantId: TenantId });

// Not in the seeds: the settings invoices and reports need (name, address, currency, tax rate, rounding mode).
export const tenantsRoutes = createRouter()
  .openapi(
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
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/tenants/{tenantId}",
      tags,
      operationId: "getTenant",
      summary: "Get tenant billing settings",
      ...described(
        "The settings invoices and reports use: display name, billing email and address, currency, tax rate in basis points and rounding mode, plus the test clock the tenant lives on, if any. A tenant that has never been configured answers its defaults.",
        secured("billing:read", "billing:update"),
      ),
      request: { params: Params },
      responses: jsonResponses(envelope(Tenant)),
    }),
    async (c) => ok(c, await getTenant(c.env, c.var.db, c.req.valid("param").tenantId, await clockNow(c))),
  )
  .openapi(
    createRoute({
      method: "put",
      path: "/tenants/{tenantId}",
      tags,
      operationId: "updateTenant",
      summary: "Update tenant billing settings",
      ...described(
        "Changes the fields sent. A new rounding mode or tax rate applies to everything computed afterwards (previews, estimates, drafts); finalized invoices keep their amounts.",
        secured("admin"),
      ),
      request: { params: Params, ...jsonBody(UpdateTenant) },
      responses: jsonResponses(envelope(Tenant)),
    }),
    async (c) => ok(c, await updateTenant(c.env, c.var.db, c.req.valid("param").tenantId, c.req.valid("json"), await clockNow(c))),
  );
