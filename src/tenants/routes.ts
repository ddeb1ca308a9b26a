import { createRoute, z } from "@hono/zod-openapi";
import { envelope, jsonBody, jsonResponses, ok } from "../http/envelope";
import { createRouter, described, secured } from "../http/router";
import { Tenant, UpdateTenant } from "./schemas";
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
