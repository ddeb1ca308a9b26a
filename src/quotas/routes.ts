import type { Context } from "hono";
import type { AppEnv } from "../env";
import { createRoute, z } from "@hono/zod-openapi";
import { assertTenantAccess, principalOf } from "../http/auth";
import { envelope, jsonBody, jsonResponses, ok, okPage, okWith, pageEnvelope } from "../http/envelope";
import { decodeCursor, paginate, PageQuery } from "../http/pagination";
import { createRouter, described, secured } from "../http/router";
import { TenantId } from "../http/fields";
import { CheckQuery, CreateQuota, Quota, QuotaCheck, QuotaId, UpdateQuota } from "./schemas";
import { checkQuota, createQuota, deleteQuota, listQuotas, quotaTenant, updateQuota } from "./service";

/** The time of the tenant whose quota the route names (src/clock). */
const quotaNow = (c: Context<AppEnv>) => clockNow(c, () => quotaTenant(c.env, c.req.param("quotaId")!));
import { clockNow } from "../clock";

const tags = ["Quotas"];
const TenantParams = z.object({ tenantId: TenantId });
const QuotaParams = z.object({ quotaId: QuotaId });

export const quotasRoutes = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/quotas",
      tags,
      operationId: "createQuota",
      summary: "Create a quota",
      ...described(
        "A limit on a metric per hour, day, month or billing period, `hard` (refuses the event that would pass it, with 402 `QUOTA_EXCEEDED`) or `soft` (accepts and flags it). A tenant's own quotas can only tighten its plan's limits; an admin's quota on `billing_period` overrides the plan's limit.",
        secured("billing:update"),
      ),
      request: jsonBody(CreateQuota),
      responses: jsonResponses(envelope(Quota), "Created", 201),
    }),
    async (c) => {
      const input = c.req.valid("json");
      assertTenantAccess(principalOf(c), input.tenantId);
      return okWith(c, await createQuota(c.env, principalOf(c), input, await clockNow(c, input.tenantId)), 201);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/quotas/tenants/{tenantId}",
      tags,
      operationId: "listQuotas",
      summary: "List a tenant's quotas (explicit and from its plans) with utilisation",
      ...described(
        "Every quota that governs the tenant's usage: its plans' meter limits (`source: plan`), its own (`tenant`) and operators' (`operator`), each with its usage in the current window, read live from the tenant's meter. Paginated.",
        secured("billing:read", "billing:update"),
      ),
      request: { params: TenantParams, query: PageQuery },
      responses: jsonResponses(pageEnvelope(Quota)),
    }),
    async (c) => {
      const { limit, cursor } = c.req.valid("query");
      const after = decodeCursor(cursor);
      const all = await listQuotas(c.env, c.req.valid("param").tenantId, await clockNow(c));
      const rest = after ? all.filter((q) => q.id > after.id) : all;
      const page = paginate(rest.slice(0, limit + 1), limit, (q) => ({ k: q.id, id: q.id }));
      return okPage(c, page.items, page.nextCursor, limit);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/quotas/tenants/{tenantId}/check",
      tags,
      operationId: "checkQuota",
      summary: "Check whether more usage would be allowed, without recording it",
      ...described(
        "Whether `quantity` more of `metric` would be accepted now, against the binding quota (the one that would refuse, else the one with least room): `allowed`, `current`, `limit`, `remaining` and when the window resets. Records nothing.",
        secured("usage:write", "billing:read"),
      ),
      request: { params: TenantParams, query: CheckQuery },
      responses: jsonResponses(envelope(QuotaCheck)),
    }),
    async (c) => ok(c, await checkQuota(c.env, c.req.valid("param").tenantId, c.req.valid("query"), await clockNow(c))),
  )
  .openapi(
    createRoute({
      method: "put",
      path: "/quotas/{quotaId}",
      tags,
      operationId: "updateQuota",
      summary: "Update a quota",
      ...described(
        "Changes an explicit quota's limit, period or enforcement (the fields sent). Plan quotas (`plan:…` ids) change with the plan, not here (404); tenants cannot change operators' quotas (403).",
        secured("billing:update"),
      ),
      request: { params: QuotaParams, ...jsonBody(UpdateQuota) },
      responses: jsonResponses(envelope(Quota)),
    }),
    async (c) => ok(c, await updateQuota(c.env, principalOf(c), c.req.valid("param").quotaId, c.req.valid("json"), await quotaNow(c))),
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/quotas/{quotaId}",
      tags,
      operationId: "deleteQuota",
      summary: "Delete a quota",
      ...described(
        "Deletes an explicit quota; the plan's limits still apply. Plan quotas cannot be deleted (404); tenants cannot delete operators' quotas (403).",
        secured("billing:update"),
      ),
      request: { params: QuotaParams },
      responses: jsonResponses(envelope(z.object({ id: z.string(), deleted: z.literal(true) }))),
    }),
    async (c) => ok(c, await deleteQuota(c.env, principalOf(c), c.req.valid("param").quotaId, await quotaNow(c))),
  );
