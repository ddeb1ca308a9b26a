import { and, eq } from "drizzle-orm";
import type { Db } from "../db/client";
import { ApiError, conflict } from "../http/errors";
import { iso } from "../lib/time";
import type { Plan } from "../plans/schemas";
import { findCouponByCode } from "./catalog";
import type { IneligibilityReason } from "./schemas";
import { couponRedemptions, type CouponRow } from "./table";

export interface Ineligibility {
  reason: IneligibilityReason;
  message: string;
}

/**
 * Why `coupon` cannot be redeemed by this tenant for this plan, or null if it can.
 * Checked in this order, so the reason given is the most fundamental one.
 */
export function ineligibility(
  coupon: CouponRow | undefined,
  code: string,
  ctx: { now: number; plan?: Pick<Plan, "id" | "currency">; alreadyRedeemed: boolean },
): Ineligibility | null {
  if (!coupon) return { reason: "not_found", message: `No coupon with code ${code}` };
  if (!coupon.active) return { reason: "inactive", message: `Coupon ${coupon.code} has been deactivated` };
  if (coupon.redeemBy !== null && coupon.redeemBy <= ctx.now) {
    return { reason: "expired", message: `Coupon ${coupon.code} expired at ${iso(coupon.redeemBy)}` };
  }
  if (coupon.maxRedemptions !== null && coupon.timesRedeemed >= coupon.maxRedemptions) {
    return { reason: "max_redemptions_reached", message: `Coupon ${coupon.code} has reached its limit of ${coupon.maxRedemptions} redemptions` };
  }
  if (ctx.alreadyRedeemed) return { reason: "already_redeemed", message: `This tenant has already redeemed coupon ${coupon.code}` };
  if (ctx.plan && coupon.planIds && !coupon.planIds.includes(ctx.plan.id)) {
    return { reason: "plan_not_eligible", message: `Coupon ${coupon.code} does not apply to plan ${ctx.plan.id} (only ${coupon.planIds.join(", ")})` };
  }
  if (ctx.plan && coupon.currency !== null && coupon.currency !== ctx.plan.currency) {
    return {
      reason: "currency_mismatch",
      message: `Coupon ${coupon.code} is an amount in ${coupon.currency}; plan ${ctx.plan.id} bills in ${ctx.plan.currency}`,
    };
  }
  return null;
}

export function ineligibleError(i: Ineligibility): ApiError {
  return i.reason === "not_found" ? new ApiError("NOT_FOUND", i.message, { reason: i.reason }) : conflict(i.message, { reason: i.reason });
}

export async function hasRedeemed(db: Db, couponId: string, tenantId: string): Promise<boolean> {
  const row = await db
    .select({ id: couponRedemptions.id })
    .from(couponRedemptions)
    .where(and(eq(couponRedemptions.couponId, couponId), eq(couponRedemptions.tenantId, tenantId)))
    .get();
  return row !== undefined;
}

/**
 * Finds the coupon for `code` and checks it for this tenant and plan, throwing the specific
 * error (404 not_found, else 409 with `details.reason`).
 */
export async function redeemableCoupon(db: Db, code: string, tenantId: string, plan: Plan, now: number): Promise<CouponRow> {
  const coupon = await findCouponByCode(db, code);
  const alreadyRedeemed = coupon ? await hasRedeemed(db, coupon.id, tenantId) : false;
  const problem = ineligibility(coupon, code, { now, plan, alreadyRedeemed });
  if (problem) throw ineligibleError(problem);
  return coupon!;
}
