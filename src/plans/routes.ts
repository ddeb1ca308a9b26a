import { createRoute, z } from "@hono/zod-openapi";
import { hasScope, principalOf } from "../http/auth";
import { envelope, jsonBody, jsonResponses, ok, okWith } from "../http/envelope";
import { createRouter, described, secured } from "../http/router";
import { CreatePlan, Plan, PlanId, UpdatePlan } from "./schemas";
import { createPlan, getPlan, getPlanVersion, listPlans, updatePlan } from "./service";

const tags = ["Plans"];
const PlanParams = z.object({ planId: PlanId });
const VersionQuery = z.object({ version: z.coerce.number().int().positive().optional() });
const ListQuery = z.object({
  includeInactive: z
    .enum(["true", "false"])
    .optional()
    .transform((v) => v === "true")
    .openapi({ description: "Admins only: include retired plans" }),
});

export const plansRoutes = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/plans",
      tags,
      operationId: "listPlans",
      summary: "List available plans",
      ...described(
        "Every plan on offer, with its current version's base fee, interval, trial days and meters (aggregation, included quantity, limit and enforcement, price model). `includeInactive=true` also lists retired plans, for admins only; other callers get the active ones either way.",
        secured("billing:read", "billing:update", "usage:write"),
      ),
      request: { query: ListQuery },
      responses: jsonResponses(envelope(z.array(Plan))),
    }),
    async (c) => {
      const includeInactive = c.req.valid("query").includeInactive && hasScope(principalOf(c), ["admin"]);
      return ok(c, await listPlans(c.var.db, { includeInactive }));
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/plans/{planId}",
      tags,
      operationId: "getPlan",
      summary: "Get plan details",
      ...described(
        "One plan as it stands now, or as it was at `version` (subscriptions keep the version they took, so an old version is what they are billed by).",
        secured("billing:read", "billing:update", "usage:write"),
      ),
      request: { params: PlanParams, query: VersionQuery },
      responses: jsonResponses(envelope(Plan)),
    }),
    async (c) => {
      const { planId } = c.req.valid("param");
      const { version } = c.req.valid("query");
      const db = c.var.db;
      return ok(c, version === undefined ? await getPlan(db, planId) : await getPlanVersion(db, planId, version));
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/plans",
      tags,
      operationId: "createPlan",
      summary: "Create a plan",
      ...described(
        "Adds a plan to the price list as its version 1. Prices are decimal strings in minor units, so sub-cent unit prices stay exact; a duplicate id is 409.",
        secured("admin"),
      ),
      request: jsonBody(CreatePlan),
      responses: jsonResponses(envelope(Plan), "Created", 201),
    }),
    async (c) => okWith(c, await createPlan(c.var.db, c.req.valid("json"), Date.now()), 201),
  )
  .openapi(
    createRoute({
      method: "put",
      path: "/plans/{planId}",
      tags,
      operationId: "updatePlan",
      summary: "Update a plan",
      ...described(
        "Writes a new version with the fields sent merged over the current one (fields not sent keep their value). Existing subscriptions stay on their version until they change plan or are migrated (`POST /plans/{planId}/migrate`); `active` alone retires or re-offers the plan without a new version.",
        secured("admin"),
      ),
      request: { params: PlanParams, ...jsonBody(UpdatePlan) },
      responses: jsonResponses(envelope(Plan)),
    }),
    async (c) => ok(c, await updatePlan(c.var.db, c.req.valid("param").planId, c.req.valid("json"), Date.now())),
  );
