import { createRoute, z } from "@hono/zod-openapi";
import { database } from "../db/client";
import { envelope, jsonBody, jsonResponses, ok } from "../http/envelope";
import { createRouter, secured } from "../http/router";
import { Tenant, TenantId, UpdateTenant } from "./schemas";
import { ensureTenant, toTenant, updateTenant } from "./service";

const tags = ["Tenants"];
const Params = z.object({ tenantId: TenantId });

// Not in the seeds: the settings invoices and reports need (name, address, currency, tax rate, rounding mode).
export const tenantsRoutes = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/tenants/{tenantId}",
      tags,
      summary: "Get tenant billing settings",
      ...secured("billing:read", "billing:update"),
      request: { params: Params },
      responses: jsonResponses(envelope(Tenant)),
    }),
    async (c) => ok(c, toTenant(await ensureTenant(database(c.env.DB), c.req.valid("param").tenantId, Date.now()))),
  )
  .openapi(
    createRoute({
      method: "put",
      path: "/tenants/{tenantId}",
      tags,
      summary: "Update tenant billing settings",
      ...secured("admin"),
      request: { params: Params, ...jsonBody(UpdateTenant) },
      responses: jsonResponses(envelope(Tenant)),
    }),
    async (c) =>
      ok(c, await updateTenant(database(c.env.DB), c.req.valid("param").tenantId, c.req.valid("json"), Date.now())),
  );
