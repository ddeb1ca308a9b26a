import type { Db } from "../db/client";
import { notFound } from "../http/errors";
import { mulDivRounded } from "../money/rounding";
import type { Plan } from "../plans/schemas";
import { findPlan } from "../plans/service";
import { tenantRoundingMode } from "../tenants/service";
import { findCouponByCode, toCoupon } from "./catalog";
import { hasRedeemed, ineligibility } from "./eligibility";
import type { CouponValidation, ValidateCoupon } from "./schemas";

/** Whether `code` would work for the tenant (and plan), and what it would take off. Never throws for a bad coupon. */
export async function validateCoupon(
  db: Db,
  input: ValidateCoupon,
  now: number,
  /** The plan to price when the request names none: the tenant's current one, if any. */
  currentPlanId: () => Promise<string | undefined>,
): Promise<CouponValidation> {
  const coupon = await findCouponByCode(db, input.code);
  let plan: Plan | undefined;
  if (input.planId) {
    plan = await findPlan(db, input.planId);
    if (!plan) throw notFound("Plan", input.planId);
  } else {
    const current = await currentPlanId();
    plan = current ? await findPlan(db, current) : undefined;
  }
  const alreadyRedeemed = coupon ? await hasRedeemed(db, coupon.id, input.tenantId) : false;
  const problem = ineligibility(coupon, input.code, { now, plan, alreadyRedeemed });
  if (problem || !coupon) {
    return {
      valid: false,
      code: input.code,
      reason: problem!.reason,
      message: problem!.message,
      coupon: coupon ? toCoupon(coupon, now) : null,
      discount: null,
    };
  }
  const discount = plan
    ? {
        planId: plan.id,
        currency: plan.currency,
        basePrice: plan.basePrice,
        amount:
          coupon.percentOffBps !== null
            ? mulDivRounded(plan.basePrice, coupon.percentOffBps, 10_000, await tenantRoundingMode(db, input.tenantId))
            : Math.min(coupon.amountOff ?? 0, plan.basePrice),
        duration: coupon.duration,
        durationInMonths: coupon.durationInMonths,
      }
    : null;
  return { valid: true, code: coupon.code, reason: null, message: `Coupon ${coupon.code} is valid`, coupon: toCoupon(coupon, now), discount };
}
