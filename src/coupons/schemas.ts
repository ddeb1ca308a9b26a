import { z } from "@hono/zod-openapi";
import { PlanId } from "../plans/schemas";
import { TenantId } from "../http/fields";
import { Currency } from "../lib/currency";
import { Instant } from "../http/fields";

export const CouponCode = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{2,63}$/, "3 to 64 letters, digits, _ or -")
  .openapi({ example: "LAUNCH20" });

const PercentOff = z
  .number()
  .positive()
  .max(100)
  .refine((p) => Math.abs(p * 100 - Math.round(p * 100)) < 1e-9, "at most two decimals")
  .describe("Percent off, up to two decimals (12.5 = 12.5 %)");
const AmountOff = z.number().int().positive().max(1e12).describe("Minor units off each invoice");

/** A discount's terms, shared by coupons and ad-hoc discounts. */
export const DurationEnum = z.enum(["once", "repeating", "forever"]);

export const discountTerms = {
  percentOff: PercentOff.optional(),
  amountOff: AmountOff.optional(),
  currency: Currency.optional(),
  duration: DurationEnum.default("once"),
  durationInMonths: z.number().int().min(1).max(120).optional().describe("Required for repeating"),
};

export function refineTerms(t: { percentOff?: number; amountOff?: number; duration?: string; durationInMonths?: number }, ctx: z.RefinementCtx) {
  if ((t.percentOff === undefined) === (t.amountOff === undefined)) {
    ctx.addIssue({ code: "custom", path: ["percentOff"], message: "give exactly one of percentOff and amountOff" });
  }
  if ((t.duration === "repeating") !== (t.durationInMonths !== undefined)) {
    ctx.addIssue({ code: "custom", path: ["durationInMonths"], message: "required for repeating, and only for it" });
  }
}

export const Discount = z
  .object({
    id: z.string(),
    couponId: z.string().nullable(),
    description: z.string(),
    percentOff: z.number().nullable(),
    amountOff: z.number().int().nullable(),
    currency: z.string().nullable(),
    duration: z.enum(["once", "repeating", "forever"]),
    durationInMonths: z.number().int().nullable(),
    remainingPeriods: z.number().int().nullable().describe("Invoices it still applies to; null = forever"),
    createdAt: z.string(),
  })
  .openapi("Discount");
export type Discount = z.infer<typeof Discount>;

export const CreateCoupon = z
  .object({
    code: CouponCode.describe("Unique, case-insensitive"),
    name: z.string().min(1).max(120).optional(),
    ...discountTerms,
    maxRedemptions: z.number().int().min(1).max(1e9).optional().describe("Across all tenants; omit for unlimited"),
    redeemBy: Instant.optional().describe("Last instant the coupon can be redeemed"),
    planIds: z.array(PlanId).min(1).max(50).optional().describe("Only these plans; omit for every plan"),
    active: z.boolean().default(true),
  })
  .strict()
  .superRefine((c, ctx) => {
    refineTerms(c, ctx);
    if (c.amountOff !== undefined && c.currency === undefined) {
      ctx.addIssue({ code: "custom", path: ["currency"], message: "required with amountOff" });
    }
    if (c.percentOff !== undefined && c.currency !== undefined) {
      ctx.addIssue({ code: "custom", path: ["currency"], message: "only with amountOff" });
    }
  })
  .openapi("CreateCoupon");
export type CreateCoupon = z.infer<typeof CreateCoupon>;

export const Coupon = z
  .object({
    id: z.string(),
    code: z.string(),
    name: z.string().nullable(),
    percentOff: z.number().nullable(),
    amountOff: z.number().int().nullable(),
    currency: z.string().nullable(),
    duration: z.enum(["once", "repeating", "forever"]),
    durationInMonths: z.number().int().nullable(),
    maxRedemptions: z.number().int().nullable(),
    timesRedeemed: z.number().int(),
    redeemBy: z.string().nullable(),
    planIds: z.array(z.string()).nullable(),
    active: z.boolean(),
    valid: z.boolean().describe("Active, not past redeemBy and not exhausted, right now"),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("Coupon");
export type Coupon = z.infer<typeof Coupon>;

export const INELIGIBILITY_REASONS = [
  "not_found",
  "inactive",
  "expired",
  "max_redemptions_reached",
  "plan_not_eligible",
  "currency_mismatch",
  "already_redeemed",
] as const;
export type IneligibilityReason = (typeof INELIGIBILITY_REASONS)[number];

export const ValidateCoupon = z
  .object({ code: z.string().trim().min(1).max(64), tenantId: TenantId, planId: PlanId.optional() })
  .strict()
  .openapi("ValidateCoupon");
export type ValidateCoupon = z.infer<typeof ValidateCoupon>;

export const CouponValidation = z
  .object({
    valid: z.boolean(),
    code: z.string(),
    reason: z.enum(INELIGIBILITY_REASONS).nullable(),
    message: z.string(),
    coupon: Coupon.nullable(),
    discount: z
      .object({
        planId: z.string().describe("The plan priced: the one asked about, or the tenant's current plan"),
        currency: z.string(),
        basePrice: z.number().int(),
        amount: z.number().int().describe("Minor units off the plan's base price per discounted period"),
        duration: z.enum(["once", "repeating", "forever"]),
        durationInMonths: z.number().int().nullable(),
      })
      .nullable()
      .describe("Present when valid and a plan is known"),
  })
  .openapi("CouponValidation");
export type CouponValidation = z.infer<typeof CouponValidation>;
