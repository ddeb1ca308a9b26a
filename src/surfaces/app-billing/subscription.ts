import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { clockNow } from "../../clock";
import type { AppEnv } from "../../env";
import { principalOf } from "../../http/auth";
import { createRouter, described, secured } from "../../http/router";
import { cancelSubscription, getLiveSubscription, type Caller } from "../../subscriptions";
import { appErrorResponses } from "./errors";

const tags = ["App billing (compatibility API)"];

const AppSubscription = z
  .object({
    id: z.string(),
    plan: z.string(),
    status: z.string(),
    currentPeriodStart: z.string(),
    currentPeriodEnd: z.string(),
    cancelAtPeriodEnd: z.boolean(),
    cancelAt: z.string().nullable(),
  })
  .openapi("AppBillingSubscription");

const caller = (c: Context<AppEnv>): Caller => {
  const p = principalOf(c);
  return { owner: p.tenant, admin: false, actor: p.sub };
};

/** Seed 003's subscription: the caller's own tenant's, read and canceled at period end. */
export const subscriptionRoutes = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/billing/subscription",
      tags,
      operationId: "billingGetSubscription",
      summary: "Current subscription of the caller's tenant",
      ...described(
        "The token's tenant's live tenant-wide subscription: plan, status, current period and whether it cancels at the period end. None is 404.",
        secured("billing:read", "billing:update"),
      ),
      responses: { 200: { description: "Subscription", content: { "application/json": { schema: AppSubscription } } }, ...appErrorResponses },
    }),
    async (c) => {
      const sub = await getLiveSubscription(c.env, c.var.db, principalOf(c).tenant, undefined, await clockNow(c));
      return c.json(
        {
          id: sub.id,
          plan: sub.planId,
          status: sub.status,
          currentPeriodStart: sub.currentPeriodStart,
          currentPeriodEnd: sub.currentPeriodEnd,
          cancelAtPeriodEnd: sub.cancelAtPeriodEnd,
          cancelAt: sub.cancelAt,
        },
        200,
      );
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/billing/cancel",
      tags,
      operationId: "billingCancelSubscription",
      summary: "Cancel the caller's subscription at period end",
      ...described(
        "Sets the token's tenant's live subscription to cancel at the end of its current period (it stays active until then) and answers when. Asking again changes nothing and answers the same date.",
        secured("billing:update"),
      ),
      responses: {
        200: {
          description: "Canceled at period end",
          content: { "application/json": { schema: z.object({ success: z.literal(true), cancelAt: z.string() }) } },
        },
        ...appErrorResponses,
      },
    }),
    async (c) => {
      const db = c.var.db;
      const live = await getLiveSubscription(c.env, db, principalOf(c).tenant, undefined, await clockNow(c));
      const canceled = live.cancelAtPeriodEnd ? live : await cancelSubscription(db, c.env, caller(c), live.id, { atPeriodEnd: true }, await clockNow(c));
      return c.json({ success: true as const, cancelAt: canceled.cancelAt ?? canceled.currentPeriodEnd }, 200);
    },
  );
