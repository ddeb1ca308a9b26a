import { createRoute, z } from "@hono/zod-openapi";
import { actingTenant, principalOf } from "../http/auth";
import { envelope, jsonBody, jsonResponses, ok, okPage, okWith, pageEnvelope } from "../http/envelope";
import { PageQuery } from "../http/pagination";
import { createRouter, described, secured } from "../http/router";
import { TenantId } from "../http/fields";
import { CostCenter, CreateCostCenter, UpdateCostCenter } from "./schemas";
import { createCostCenter, deleteCostCenter, getCostCenter, listCostCenters, updateCostCenter } from "./service";

const tags = ["Cost centers"];
const IdParams = z.object({ costCenterId: z.string().min(1).max(64) });
const read = secured("billing:read", "billing:update");
const write = secured("billing:update");

export const costCentersRoutes = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/cost-centers",
      tags,
      operationId: "createCostCenter",
      summary: "Create cost center",
      ...described(
        "Creates a cost center for `tenantId` (default: the token's tenant; another tenant needs admin). Names and codes are unique per tenant: a duplicate is 409.",
        write,
      ),
      request: jsonBody(CreateCostCenter),
      responses: jsonResponses(envelope(CostCenter), "Created", 201),
    }),
    async (c) => {
      const input = c.req.valid("json");
      const tenantId = actingTenant(c, input.tenantId);
      return okWith(c, await createCostCenter(c.var.db, tenantId, input, Date.now()), 201);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/cost-centers/tenants/{tenantId}",
      tags,
      operationId: "listCostCenters",
      summary: "List cost centers",
      ...described("The tenant's cost centers, paginated.", read),
      request: { params: z.object({ tenantId: TenantId }), query: PageQuery },
      responses: jsonResponses(pageEnvelope(CostCenter)),
    }),
    async (c) => {
      const { limit, cursor } = c.req.valid("query");
      const page = await listCostCenters(c.var.db, c.req.valid("param").tenantId, { limit, cursor });
      return okPage(c, page.items, page.nextCursor, limit);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/cost-centers/{costCenterId}",
      tags,
      operationId: "getCostCenter",
      summary: "Get cost center",
      ...described("One cost center; another tenant's is 404.", read),
      request: { params: IdParams },
      responses: jsonResponses(envelope(CostCenter)),
    }),
    async (c) => ok(c, await getCostCenter(c.var.db, c.req.valid("param").costCenterId, principalOf(c))),
  )
  .openapi(
    createRoute({
      method: "put",
      path: "/cost-centers/{costCenterId}",
      tags,
      operationId: "updateCostCenter",
      summary: "Update cost center",
      ...described("Changes the fields sent (name, code, budget, …); a name or code another of the tenant's cost centers has is 409.", write),
      request: { params: IdParams, ...jsonBody(UpdateCostCenter) },
      responses: jsonResponses(envelope(CostCenter)),
    }),
    async (c) => ok(c, await updateCostCenter(c.var.db, c.req.valid("param").costCenterId, principalOf(c), c.req.valid("json"), Date.now())),
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/cost-centers/{costCenterId}",
      tags,
      operationId: "deleteCostCenter",
      summary: "Delete cost center",
      ...described("Deletes the cost center. Usage already recorded against its id keeps that id.", write),
      request: { params: IdParams },
      responses: jsonResponses(envelope(z.object({ id: z.string(), deleted: z.literal(true) }))),
    }),
    async (c) => ok(c, await deleteCostCenter(c.var.db, c.req.valid("param").costCenterId, principalOf(c))),
  );
