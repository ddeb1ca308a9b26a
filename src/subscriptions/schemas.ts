import { z } from "@hono/zod-openapi";
import { Instant } from "../http/fields";
import { Currency } from "../lib/currency";
import { PlanId } from "../plans/schemas";
import { TenantId } from "../http/fields";
import { CouponCode, Discount, DurationEnum, discountTerms, refineTerms } from "../coupons/schemas";
import { SUBSCRIPTION_STATUSES } from "./table";

const ExternalId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/, "letters, digits, _ . : - (max 128)");
export const SubscriptionId = z.string().min(1).max(64).openapi({ example: "sub_01kbz3q2x8a7m4c9d2e5f6g7h8" });

export const CreateSubscription = z
  .object({
    planId: PlanId,
    projectId: ExternalId.optional().describe("One live subscription per project; omit for the tenant-wide one"),
    productId: ExternalId.optional(),
    couponCode: CouponCode.optional(),
    trial: z.boolean().optional().describe("Start with the plan's trial days (default true when the plan has them)"),
    startAt: Instant.optional().describe(
      "Default now. May lie in the past (a customer migrated from another system): periods and the trial follow from it; elapsed periods are not billed",
    ),
  })
  .strict()
  .openapi("CreateSubscription");
export type CreateSubscription = z.infer<typeof CreateSubscription>;

export const ChangePlan = z
  .object({
    planId: PlanId,
    prorate: z.boolean().optional().describe("Default true: credit the unused old plan and charge the rest of the new one"),
    at: z
      .enum(["now", "period_end"])
      .optional()
      .describe("Default now. period_end schedules the change for the period close (e.g. a downgrade); scheduling the current plan clears a scheduled change"),
    dryRun: z
      .boolean()
      .optional()
      .describe("true: change nothing, answer what the change would do (the subscription as it would be, and its prorations), for a confirmation step"),
  })
  .strict()
  .openapi("ChangePlan");
export type ChangePlan = z.infer<typeof ChangePlan>;

export const MigratePlan = z
  .object({
    fromVersion: z.number().int().positive().describe("Subscriptions on this version of the plan move to its current version"),
    at: z
      .enum(["now", "period_end"])
      .default("period_end")
      .describe("now: from this instant (base fee prorated by the second); period_end: at each one's renewal"),
  })
  .strict()
  .openapi("MigratePlan");
export type MigratePlan = z.infer<typeof MigratePlan>;

export const PlanMigration = z
  .object({
    planId: z.string(),
    fromVersion: z.number().int(),
    toVersion: z.number().int(),
    at: z.enum(["now", "period_end"]),
    subscriptions: z.array(z.string()).describe("The subscriptions moved (or scheduled to move)"),
  })
  .openapi("PlanMigration");

const PlanRefSchema = z.object({ planId: z.string(), version: z.number().int() });
export const Segment = z
  .object({
    from: z.string(),
    to: z.string(),
    state: z.enum(["trial", "active", "paused", "ended", "none"]),
    plan: PlanRefSchema.nullable().describe("The plan version pricing usage in this segment"),
    fee: PlanRefSchema.nullable().describe("The plan version whose base fee accrues in it (null: none)"),
    scope: z.union([z.object({ projectId: z.string() }), z.object({ excludeProjectIds: z.array(z.string()) })]),
  })
  .openapi("Segment");

export const CancelSubscription = z
  .object({
    atPeriodEnd: z.boolean().optional().describe("Default true: stays active until the period ends"),
    prorate: z.boolean().optional().describe("Immediate cancel only, default false: credit the unused rest of the period"),
  })
  .strict()
  .openapi("CancelSubscription");
export type CancelSubscription = z.infer<typeof CancelSubscription>;

export const PauseSubscription = z
  .object({ resumesAt: Instant.optional().describe("Resume automatically at this instant") })
  .strict()
  .openapi("PauseSubscription");
export type PauseSubscription = z.infer<typeof PauseSubscription>;

export const EmptyBody = z.object({}).strict().openapi("EmptyBody");

export const ApplyDiscount = z
  .object({
    couponCode: CouponCode.optional().describe("Apply a coupon; or give ad-hoc terms instead (admin only)"),
    description: z.string().min(1).max(200).optional(),
    ...discountTerms,
    duration: DurationEnum.optional().describe("Default once"),
  })
  .strict()
  .superRefine((d, ctx) => {
    if (d.couponCode !== undefined) {
      const extra = (["percentOff", "amountOff", "currency", "duration", "durationInMonths", "description"] as const).filter((k) => d[k] !== undefined);
      for (const k of extra) ctx.addIssue({ code: "custom", path: [k], message: "not allowed with couponCode" });
      return;
    }
    refineTerms({ ...d, duration: d.duration ?? "once" }, ctx);
  })
  .openapi("ApplyDiscount");
export type ApplyDiscount = z.infer<typeof ApplyDiscount>;

export const AddCredits = z
  .object({
    amount: z.number().int().positive().max(1e12).describe("Minor units"),
    currency: Currency.optional().describe("Default and only allowed value: the subscription's currency"),
    reason: z.string().trim().min(1).max(500),
    expiresAt: Instant.optional(),
  })
  .strict()
  .openapi("AddCredits");
export type AddCredits = z.infer<typeof AddCredits>;

export const Proration = z
  .object({
    description: z.string(),
    amount: z.number().int().describe("Signed minor units: negative is a credit"),
    currency: z.string(),
    planId: z.string(),
    periodStart: z.string(),
    periodEnd: z.string(),
  })
  .openapi("Proration");
export type Proration = z.infer<typeof Proration>;

export const Subscription = z
  .object({
    id: z.string(),
    tenantId: z.string(),
    projectId: z.string().nullable(),
    productId: z.string().nullable(),
    planId: z.string(),
    status: z.enum(SUBSCRIPTION_STATUSES),
    currency: z.string(),
    currentPeriodStart: z.string(),
    currentPeriodEnd: z.string(),
    billingCycleAnchor: z.string(),
    trialStart: z.string().nullable(),
    trialEnd: z.string().nullable(),
    cancelAtPeriodEnd: z.boolean(),
    cancelAt: z.string().nullable().describe("When it ends (or ended): the period end for a pending cancellation"),
    canceledAt: z.string().nullable().describe("When the cancellation was requested"),
    endedAt: z.string().nullable(),
    pausedAt: z.string().nullable(),
    resumesAt: z.string().nullable(),
    scheduledChange: z.object({ planId: z.string(), at: z.string() }).nullable(),
    discounts: z.array(Discount),
    reactivatedFrom: z.string().nullable().describe("The canceled subscription this one reactivated"),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("Subscription");
export type Subscription = z.infer<typeof Subscription>;

export const SubscriptionChange = Subscription.extend({
  prorations: z
    .array(Proration)
    .describe("What the change does to this period's base fee: the old fee's rest credited, the new one's charged (the invoice bills the same split)"),
}).openapi("SubscriptionChange");
export type SubscriptionChange = z.infer<typeof SubscriptionChange>;

export const RedeemCoupon = z
  .object({ code: z.string().trim().min(1).max(64), tenantId: TenantId, subscriptionId: SubscriptionId })
  .strict()
  .openapi("RedeemCoupon");
export type RedeemCoupon = z.infer<typeof RedeemCoupon>;

export const Redemption = z
  .object({
    id: z.string(),
    couponId: z.string(),
    code: z.string(),
    tenantId: z.string(),
    subscriptionId: z.string(),
    discount: Discount,
    createdAt: z.string(),
  })
  .openapi("CouponRedemption");
export type Redemption = z.infer<typeof Redemption>;
