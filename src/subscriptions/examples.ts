import type { z } from "@hono/zod-openapi";
import { PERIOD, SUBSCRIPTION_ID } from "../docs/story";
import type { ChangePlan, CreateSubscription, Subscription, SubscriptionChange } from "./schemas";

// Examples for the OpenAPI document (the story: src/docs/story.ts).

export const CREATE_SUBSCRIPTION_REQUEST = { planId: "pro", trial: false } satisfies z.input<typeof CreateSubscription>;

export const SUBSCRIPTION = {
  id: SUBSCRIPTION_ID,
  tenantId: "acme",
  projectId: null,
  productId: null,
  planId: "pro",
  status: "active",
  currency: "USD",
  currentPeriodStart: PERIOD.periodStart,
  currentPeriodEnd: PERIOD.periodEnd,
  billingCycleAnchor: PERIOD.periodStart,
  trialStart: null,
  trialEnd: null,
  cancelAtPeriodEnd: false,
  cancelAt: null,
  canceledAt: null,
  endedAt: null,
  pausedAt: null,
  resumesAt: null,
  scheduledChange: null,
  discounts: [],
  reactivatedFrom: null,
  createdAt: PERIOD.periodStart,
  updatedAt: PERIOD.periodStart,
} satisfies z.infer<typeof Subscription>;

export const CHANGE_PLAN_REQUEST = { planId: "scale", prorate: true, at: "now" } satisfies z.input<typeof ChangePlan>;

export const CHANGE_PLAN_RESPONSE = {
  ...SUBSCRIPTION,
  planId: "scale",
  updatedAt: "2027-03-10T00:00:00.000Z",
  prorations: [
    {
      description: "Unused time on Pro from 2027-03-10",
      amount: -3477,
      currency: "USD",
      planId: "pro",
      periodStart: "2027-03-10T00:00:00.000Z",
      periodEnd: PERIOD.periodEnd,
    },
    {
      description: "Remaining time on Scale from 2027-03-10",
      amount: 7026,
      currency: "USD",
      planId: "scale",
      periodStart: "2027-03-10T00:00:00.000Z",
      periodEnd: PERIOD.periodEnd,
    },
  ],
} satisfies z.infer<typeof SubscriptionChange>;
