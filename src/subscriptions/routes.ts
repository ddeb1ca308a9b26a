import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { applyDiscount } from "./discounts";
import { CreditGrantSchema as CreditGrant } from "../wallet";
import { addCredits } from "./credits";
import { clockNow, tenantNow } from "../clock";
import type { AppEnv } from "../env";
import { isAdmin, ownerOf, principalOf } from "../http/auth";
import { envelope, jsonBody, jsonResponses, ok, okExample, okPage, okWith, pageEnvelope } from "../http/envelope";
import { IdempotencyHeaders, securedIdempotent } from "../http/idempotency";
import { PageQuery } from "../http/pagination";
import { createRouter, described, secured } from "../http/router";
import { CHANGE_PLAN_REQUEST, CHANGE_PLAN_RESPONSE, CREATE_SUBSCRIPTION_REQUEST, SUBSCRIPTION } from "./examples";
import { PlanId } from "../plans/schemas";
import { TenantId } from "../http/fields";
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
const subscriptionNow = (c: Context<AppEnv>) => clockNow(c, () => subscriptionTenant(c.var.db, c.req.param("subscriptionId")!));

function callerOf(c: Context<AppEnv>): Caller {
  const p = principalOf(c);
  return { owner: ownerOf(p), admin: isAdmin(p), actor: p.sub };
}

interface TransitionDoc {
  operationId: string;
  summary: string;
  description: string;
  /** Example values of the request body and of the response's `data`. */
  examples?: { request: unknown; response: unknown };
}

/**
 * `POST /subscriptions/{id}/<action>`: billing:update, idempotent. `required: false` for
 * bodies a client may leave out entirely (e.g. `POST …/cancel` with the defaults).
 */
function transition<B extends z.ZodType, R extends z.ZodType>(action: string, doc: TransitionDoc, body: B, required: boolean, response: R) {
  const example = <T>(value: T | undefined) => (value === undefined ? {} : { example: value });
  return createRoute({
    method: "post",
    path: `/subscriptions/{subscriptionId}/${action}`,
    tags,
    operationId: doc.operationId,
    summary: doc.summary,
    ...described(doc.description, securedIdempotent("billing:update")),
    request: {
      params: SubscriptionParams,
      headers: IdempotencyHeaders,
      body: { required, content: { "application/json": { schema: body, ...example(doc.examples?.request) } } },
    },
    responses: jsonResponses(envelope(response), "OK", 200, doc.examples && okExample(doc.examples.response)),
  });
}

export const subscriptionsRoutes = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/tenants/{tenantId}/subscription",
      tags,
      operationId: "getActiveSubscription",
      summary: "Get the active subscription (the tenant-wide one unless projectId names a project)",
      ...described(
        "The tenant's live subscription (trialing, active, paused or past due), caught up to now: the tenant-wide one, or with `projectId` that project's. None is 404.",
        secured("billing:read", "billing:update"),
      ),
      request: { params: TenantParams, query: z.object({ projectId: z.string().max(128).optional() }) },
      responses: jsonResponses(envelope(Subscription)),
    }),
    async (c) => {
      const { tenantId } = c.req.valid("param");
      return ok(c, await getLiveSubscription(c.env, c.var.db, tenantId, c.req.valid("query").projectId, await clockNow(c)));
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/tenants/{tenantId}/subscriptions",
      tags,
      operationId: "listSubscriptions",
      summary: "List all subscriptions, newest first",
      ...described(
        "Every subscription the tenant has had, live and ended, newest first; `status` filters. Paginated.",
        secured("billing:read", "billing:update"),
      ),
      request: { params: TenantParams, query: PageQuery.extend({ status: z.enum(SUBSCRIPTION_STATUSES).optional() }) },
      responses: jsonResponses(pageEnvelope(Subscription)),
    }),
    async (c) => {
      const { limit, cursor, status } = c.req.valid("query");
      const page = await listSubscriptions(c.var.db, c.env, c.req.valid("param").tenantId, { limit, cursor, status }, await clockNow(c));
      return okPage(c, page.items, page.nextCursor, limit);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/tenants/{tenantId}/subscriptions",
      tags,
      operationId: "createSubscription",
      summary: "Create a subscription",
      ...described(
        "Subscribes the tenant (or with `projectId`, one of its projects) to a plan's current version. With trial days on the plan it starts `trialing` unless `trial: false`; `startAt` in the past starts billing with the period containing now; `couponCode` redeems a coupon at once. A second live subscription for the tenant, or for the same project, is 409 `CONFLICT`.",
        securedIdempotent("billing:update"),
      ),
      request: { params: TenantParams, headers: IdempotencyHeaders, ...jsonBody(CreateSubscription, CREATE_SUBSCRIPTION_REQUEST) },
      responses: jsonResponses(envelope(Subscription), "Created", 201, okExample(SUBSCRIPTION)),
    }),
    async (c) => {
      const db = c.var.db;
      const sub = await createSubscription(db, c.env, c.req.valid("param").tenantId, c.req.valid("json"), principalOf(c).sub, await clockNow(c));
      return okWith(c, sub, 201);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/subscriptions/{subscriptionId}",
      tags,
      operationId: "getSubscription",
      summary: "Get a subscription",
      ...described(
        "One subscription by id, caught up to now (ended trials and periods rolled over). Another tenant's is 404, like an unknown one.",
        secured("billing:read", "billing:update"),
      ),
      request: { params: SubscriptionParams },
      responses: jsonResponses(envelope(Subscription)),
    }),
    async (c) => ok(c, await getSubscription(c.env, c.var.db, callerOf(c).owner, c.req.valid("param").subscriptionId, await subscriptionNow(c))),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/subscriptions/{subscriptionId}/segments",
      tags,
      operationId: "listSubscriptionSegments",
      summary: "The current period's segments: what its invoice bills, at which plan version and scope",
      ...described(
        "The current period cut at every instant that decides a charge (plan change, migration, pause, resume, cancel, trial end, a project subscription starting or ending), each segment with the plan version pricing its usage, the one whose base fee accrues in it, and the usage it covers.",
        secured("billing:read", "billing:update"),
      ),
      request: { params: SubscriptionParams },
      responses: jsonResponses(envelope(z.array(Segment))),
    }),
    async (c) => {
      const segments = await currentSegments(c.env, c.var.db, callerOf(c).owner, c.req.valid("param").subscriptionId, await subscriptionNow(c));
      return ok(
        c,
        segments.map((s) => ({ ...s, from: new Date(s.from).toISOString(), to: new Date(s.to).toISOString() })),
      );
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/plans/{planId}/migrate",
      tags: ["Plans"],
      operationId: "migratePlanSubscriptions",
      summary: "Move a plan version's subscribers to the plan's current version",
      ...described(
        "Moves every live subscription on `fromVersion` of the plan to its current version: `now` from this instant (the base fee split by the second), `period_end` (the default) at each one's renewal. Answers the subscriptions moved or scheduled.",
        secured("admin"),
      ),
      request: { params: z.object({ planId: PlanId }), ...jsonBody(MigratePlan) },
      responses: jsonResponses(envelope(PlanMigration)),
    }),
    async (c) => ok(c, await migrateSubscriptions(c.env, c.var.db, c.req.valid("param").planId, c.req.valid("json"), (tenantId) => tenantNow(c.env, tenantId))),
  )
  .openapi(
    transition(
      "change-plan",
      {
        operationId: "changeSubscriptionPlan",
        summary: "Change plan",
        description:
          "Moves a trialing, active or past-due subscription to another plan in the same currency. `at: now` (default) switches from this instant: with `prorate` (default true) the old plan's unused fee is credited and the new one's rest charged, as `prorations` shows; `at: period_end` schedules the change for the period close (a downgrade, say). Switching between month and year plans now is 409 `CONFLICT` (schedule it for `period_end`); a state that allows no change is 409 `INVALID_STATE`.",
        examples: { request: CHANGE_PLAN_REQUEST, response: CHANGE_PLAN_RESPONSE },
      },
      ChangePlan,
      true,
      SubscriptionChange,
    ),
    async (c) => ok(c, await changePlan(c.env, c.var.db, callerOf(c), c.req.valid("param").subscriptionId, c.req.valid("json"), await subscriptionNow(c))),
  )
  .openapi(
    transition(
      "cancel",
      {
        operationId: "cancelSubscription",
        summary: "Cancel subscription",
        description:
          "Cancels at the period end by default (the subscription stays active, `cancelAtPeriodEnd: true`), or now with `atPeriodEnd: false`; an immediate cancel with `prorate: true` credits the unused rest of the period, as `prorations` shows. Allowed from trialing, active, paused and past due.",
      },
      CancelSubscription,
      false,
      SubscriptionChange,
    ),
    async (c) =>
      ok(c, await cancelSubscription(c.var.db, c.env, callerOf(c), c.req.valid("param").subscriptionId, c.req.valid("json"), await subscriptionNow(c))),
  )
  .openapi(
    transition(
      "reactivate",
      {
        operationId: "reactivateSubscription",
        summary: "Reactivate",
        description:
          "Withdraws a pending cancellation. A subscription already canceled cannot reopen its frozen period: instead a new subscription on the same plan starts now, active, with a fresh period and no trial, linked by `reactivatedFrom`.",
      },
      EmptyBody,
      false,
      Subscription,
    ),
    async (c) => ok(c, await reactivateSubscription(c.env, c.var.db, callerOf(c), c.req.valid("param").subscriptionId, await subscriptionNow(c))),
  )
  .openapi(
    transition(
      "pause",
      {
        operationId: "pauseSubscription",
        summary: "Pause subscription",
        description:
          "Pauses an active subscription: no base fee accrues and the usage it governs is refused with 402 `SUBSCRIPTION_PAUSED` until it resumes, on `resumesAt` or by a resume call. The period keeps running.",
      },
      PauseSubscription,
      false,
      Subscription,
    ),
    async (c) =>
      ok(c, await pauseSubscription(c.env, c.var.db, callerOf(c), c.req.valid("param").subscriptionId, c.req.valid("json"), await subscriptionNow(c))),
  )
  .openapi(
    transition(
      "resume",
      {
        operationId: "resumeSubscription",
        summary: "Resume subscription",
        description: "Resumes a paused subscription from now: the base fee accrues again and usage is accepted. Anything but paused is 409 `INVALID_STATE`.",
      },
      EmptyBody,
      false,
      Subscription,
    ),
    async (c) => ok(c, await resumeSubscription(c.env, c.var.db, callerOf(c), c.req.valid("param").subscriptionId, await subscriptionNow(c))),
  )
  .openapi(
    transition(
      "discount",
      {
        operationId: "applySubscriptionDiscount",
        summary: "Apply discount",
        description:
          "Adds a discount to a live subscription's invoices: a coupon by `couponCode` (the same checks as redeeming it), or ad-hoc terms (`percentOff` or `amountOff`, `duration`), which only admins may grant.",
      },
      ApplyDiscount,
      true,
      Subscription,
    ),
    async (c) => ok(c, await applyDiscount(c.env, c.var.db, callerOf(c), c.req.valid("param").subscriptionId, c.req.valid("json"), await subscriptionNow(c))),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/subscriptions/{subscriptionId}/credits",
      tags,
      operationId: "addSubscriptionCredits",
      summary: "Add credits",
      ...described(
        "Grants the subscription's tenant credit in the subscription's currency, optionally expiring: a grant in the tenant's wallet that pays finalized invoices after tax, soonest-expiring first (and, once the tenant has a wallet policy, usage in real time); voiding an invoice gives back what it consumed.",
        securedIdempotent("admin"),
      ),
      request: { params: SubscriptionParams, headers: IdempotencyHeaders, ...jsonBody(AddCredits) },
      responses: jsonResponses(envelope(CreditGrant), "Created", 201),
    }),
    async (c) => {
      const grant = await addCredits(c.env, c.var.db, c.req.valid("param").subscriptionId, c.req.valid("json"), principalOf(c).sub, await subscriptionNow(c));
      return okWith(c, grant, 201);
    },
  );
