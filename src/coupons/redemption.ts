import { eq, sql, type SQL } from "drizzle-orm";
import type { Db } from "../db/client";
import { constraintViolation } from "../db/constraints";
import type { ApiError } from "../http/errors";
import { newId } from "../lib/ids";
import type { Plan } from "../plans/schemas";
import { couponTerms } from "./catalog";
import { describeTerms, insertDiscount, remainingPeriodsFor } from "./discounts";
import { ineligibility, ineligibleError } from "./eligibility";
import { couponRedemptions, coupons, type CouponRow } from "./table";

/**
 * The statements that redeem `coupon` onto a subscription, for the caller's batch:
 *   1. the redemption row, whose coupon_id is selected only while the coupon is still
 *      active, unexpired and under its limit: otherwise NULL, which aborts the batch;
 *      UNIQUE (coupon, tenant) aborts a second redemption by the same tenant;
 *   2. the counter increment (the CHECK on coupons is a second line of defence);
 *   3. the discount on the subscription.
 * D1 runs a batch as one transaction, one at a time, so of 50 concurrent redemptions of a
 * coupon limited to 10, exactly 10 commit.
 */
export function redemptionStatements(
  db: Db,
  r: {
    coupon: CouponRow;
    tenantId: string;
    subscriptionId: string;
    /** The subscription id as the owner's guard writes it (NULL once canceled: see insertDiscount). */
    liveSubscriptionId: SQL<string>;
    interval: Plan["interval"];
    createdBy: string | null;
    now: number;
  },
) {
  const discountId = newId("disc");
  const redemptionId = newId("red");
  const c = coupons;
  const stillRedeemable = sql`(SELECT ${c.id} FROM ${c} WHERE ${c.id} = ${r.coupon.id} AND ${c.active} = 1
    AND (${c.maxRedemptions} IS NULL OR ${c.timesRedeemed} < ${c.maxRedemptions})
    AND (${c.redeemBy} IS NULL OR ${c.redeemBy} > ${r.now}))`;
  const terms = couponTerms(r.coupon);
  const statements = [
    db.insert(couponRedemptions).values({
      id: redemptionId,
      couponId: stillRedeemable,
      tenantId: r.tenantId,
      subscriptionId: r.subscriptionId,
      discountId,
      createdAt: r.now,
    }),
    db
      .update(coupons)
      .set({ timesRedeemed: sql`${c.timesRedeemed} + 1`, updatedAt: r.now })
      .where(eq(coupons.id, r.coupon.id)),
    insertDiscount(db, {
      id: discountId,
      tenantId: r.tenantId,
      liveSubscriptionId: r.liveSubscriptionId,
      couponId: r.coupon.id,
      description: `${r.coupon.name ?? r.coupon.code}: ${describeTerms(terms)}`,
      terms,
      remainingPeriods: remainingPeriodsFor(terms, r.interval),
      createdBy: r.createdBy,
      now: r.now,
    }),
  ] as const;
  return { statements, discountId, redemptionId };
}

/**
 * Turns a redemption batch that a guard aborted into the reason, read back from the coupon
 * as it is now (someone else took the last redemption, deactivated it, …). Undefined when
 * the failure was not the coupon's.
 */
export async function redemptionFailure(db: Db, err: unknown, coupon: CouponRow, now: number): Promise<ApiError | undefined> {
  const violation = constraintViolation(err) ?? "";
  if (violation.startsWith("UNIQUE") && violation.includes("coupon_redemptions.")) {
    return ineligibleError({ reason: "already_redeemed", message: `This tenant has already redeemed coupon ${coupon.code}` });
  }
  const guardTripped =
    (violation.startsWith("NOT NULL") && violation.includes("coupon_redemptions.coupon_id")) ||
    (violation.startsWith("CHECK") && violation.includes("coupons"));
  if (!guardTripped) return undefined;
  const current = await db.select().from(coupons).where(eq(coupons.id, coupon.id)).get();
  const problem = ineligibility(current, coupon.code, { now, alreadyRedeemed: false });
  return ineligibleError(problem ?? { reason: "max_redemptions_reached", message: `Coupon ${coupon.code} has no redemptions left` });
}
