import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { applyDiscount } from "../coupons/redeem";
import { addCredits } from "../credits/service";
import { CreditGrant } from "../credits/schemas";
import { clockNow, tenantNow } from "../clock";
import { database } from "../db/client";
import type { AppEnv } from "../env";
import { isAdmin, principalOf } from "../http/auth";
import { envelope, jsonBody, jsonResponses, ok, okPage, okWith, pageEnvelope } from "../http/envelope";
import { IdempotencyHeaders, securedIdempotent } from "../http/idempotency";
import { PageQuery } from "../http/pagination";
import { createRouter, secured } from "../http/router";
import { PlanId } from "../plans/schemas";
import { TenantId } from "../tenants/schemas";
import {
  AddCredits,
  ApplyDiscount,
  CancelSubscription,
  ChangePlan,
  CreateSubscription,
  EmptyBody,
  MigratePlan,
  PauseSubscription,
  PlanMigration,
  Segment,
  Subscription,
  SubscriptionChange,
  SubscriptionId,
} from "./schemas";
import {
  cancelSubscription,
  changePlan,
  createSubscription,
  getLiveSubscription,
  currentSegments,
  getSubscription,
  listSubscriptions,
  migrateSubscriptions,
  pauseSubscription,
  reactivateSubscription,
  resumeSubscription,
  type Caller,
} from "./service";
import { subscriptionTenant } from "./queries";
import { SUBSCRIPTION_STATUSES } from "./table";

const tags = ["Subscriptions"];
const TenantParams = z.object({ tenantId: TenantId });
const SubscriptionParams = z.object({ subscriptionId: SubscriptionId });

/** The time of the tenant whose subscription the route names (src/clock). */
const subscriptionNow = (c: Context<AppEnv>) => clockNow(c, () => subscriptionTenant(database(c.env.DB), c.req.param("subscriptionId")!));

function callerOf(c: Context<AppEnv>): Caller {
  const p = principalOf(c);
  const admin = isAdmin(p);
  return { owner: admin ? null : p.tenant, admin, actor: p.sub };
}

/**
 * `POST /subscriptions/{id}/<action>`: billing:update, idempotent. `required: false` for
 * bodies a client may leave out entirely (e.g. `POST …/cancel` with the defaults).
 */
function transition<B extends z.ZodType, R extends z.ZodType>(action: string, summary: string, body: B, required: boolean, response: R) {
  return createRoute({
    method: "post",
    path: `/subscriptions/{subscriptionId}/${action}`,
    tags,
    summary,
    ...securedIdempotent("billing:update"),
    request: { params: SubscriptionParams, headers: IdempotencyHeaders, body: { required, content: { "application/json": { schema: body } } } },
    responses: jsonResponses(envelope(response)),
  });
}

export const subscriptionsRoutes = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/tenants/{tenantId}/subscription",
      tags,
      summary: "Get the active subscription (the tenant-wide one unless projectId names a project)",
      ...secured("billing:read", "billing:update"),
      request: { params: TenantParams, query: z.object({ projectId: z.string().max(128).optional() }) },
      responses: jsonResponses(envelope(Subscription)),
    }),
    async (c) => {
      const { tenantId } = c.req.valid("param");
      return ok(c, await getLiveSubscription(database(c.env.DB), c.env, tenantId, c.req.valid("query").projectId, await clockNow(c)));
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/tenants/{tenantId}/subscriptions",
      tags,
      summary: "List all subscriptions, newest first",
      ...secured("billing:read", "billing:update"),
      request: { params: TenantParams, query: PageQuery.extend({ status: z.enum(SUBSCRIPTION_STATUSES).optional() }) },
      responses: jsonResponses(pageEnvelope(Subscription)),
    }),
    async (c) => {
      const { limit, cursor, status } = c.req.valid("query");
      const page = await listSubscriptions(database(c.env.DB), c.env, c.req.valid("param").tenantId, { limit, cursor, status }, await clockNow(c));
      return okPage(c, page.items, page.nextCursor, limit);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/tenants/{tenantId}/subscriptions",
      tags,
      summary: "Create a subscription",
      ...securedIdempotent("billing:update"),
      request: { params: TenantParams, headers: IdempotencyHeaders, ...jsonBody(CreateSubscription) },
      responses: jsonResponses(envelope(Subscription), "Created", 201),
    }),
    async (c) => {
      const db = database(c.env.DB);
      const sub = await createSubscription(db, c.env, c.req.valid("param").tenantId, c.req.valid("json"), principalOf(c).sub, await clockNow(c));
      return okWith(c, sub, 201);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/subscriptions/{subscriptionId}",
      tags,
      summary: "Get a subscription",
      ...secured("billing:read", "billing:update"),
      request: { params: SubscriptionParams },
      responses: jsonResponses(envelope(Subscription)),
    }),
    async (c) =>
      ok(c, await getSubscription(database(c.env.DB), c.env, callerOf(c).owner, c.req.valid("param").subscriptionId, await subscriptionNow(c))),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/subscriptions/{subscriptionId}/segments",
      tags,
      summary: "The current period's segments: what its invoice bills, at which plan version and scope",
      ...secured("billing:read", "billing:update"),
      request: { params: SubscriptionParams },
      responses: jsonResponses(envelope(z.array(Segment))),
    }),
    async (c) => {
      const segments = await currentSegments(database(c.env.DB), c.env, callerOf(c).owner, c.req.valid("param").subscriptionId, await subscriptionNow(c));
      return ok(c, segments.map((s) => ({ ...s, from: new Date(s.from).toISOString(), to: new Date(s.to).toISOString() })));
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/plans/{planId}/migrate",
      tags: ["Plans"],
      summary: "Move a plan version's subscribers to the plan's current version",
      ...secured("admin"),
      request: { params: z.object({ planId: PlanId }), ...jsonBody(MigratePlan) },
      responses: jsonResponses(envelope(PlanMigration)),
    }),
    async (c) => ok(c, await migrateSubscriptions(database(c.env.DB), c.env, c.req.valid("param").planId, c.req.valid("json"), (tenantId) => tenantNow(c.env, tenantId))),
  )
  .openapi(transition("change-plan", "Change plan", ChangePlan, true, SubscriptionChange), async (c) =>
    ok(c, await changePlan(database(c.env.DB), c.env, callerOf(c), c.req.valid("param").subscriptionId, c.req.valid("json"), await subscriptionNow(c))),
  )
  .openapi(transition("cancel", "Cancel subscription", CancelSubscription, false, SubscriptionChange), async (c) =>
    ok(c, await cancelSubscription(database(c.env.DB), c.env, callerOf(c), c.req.valid("param").subscriptionId, c.req.valid("json"), await subscriptionNow(c))),
  )
  .openapi(transition("reactivate", "Reactivate", EmptyBody, false, Subscription), async (c) =>
    ok(c, await reactivateSubscription(database(c.env.DB), c.env, callerOf(c), c.req.valid("param").subscriptionId, await subscriptionNow(c))),
  )
  .openapi(transition("pause", "Pause subscription", PauseSubscription, false, Subscription), async (c) =>
    ok(c, await pauseSubscription(database(c.env.DB), c.env, callerOf(c), c.req.valid("param").subscriptionId, c.req.valid("json"), await subscriptionNow(c))),
  )
  .openapi(transition("resume", "Resume subscription", EmptyBody, false, Subscription), async (c) =>
    ok(c, await resumeSubscription(database(c.env.DB), c.env, callerOf(c), c.req.valid("param").subscriptionId, await subscriptionNow(c))),
  )
  .openapi(transition("discount", "Apply discount", ApplyDiscount, true, Subscription), async (c) =>
    ok(c, await applyDiscount(database(c.env.DB), c.env, callerOf(c), c.req.valid("param").subscriptionId, c.req.valid("json"), await subscriptionNow(c))),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/subscriptions/{subscriptionId}/credits",
      tags,
      summary: "Add credits",
      ...securedIdempotent("admin"),
      request: { params: SubscriptionParams, headers: IdempotencyHeaders, ...jsonBody(AddCredits) },
      responses: jsonResponses(envelope(CreditGrant), "Created", 201),
    }),
    async (c) => {
      const grant = await addCredits(database(c.env.DB), null, c.req.valid("param").subscriptionId, c.req.valid("json"), principalOf(c).sub, await subscriptionNow(c));
      return okWith(c, grant, 201);
    },
  );
