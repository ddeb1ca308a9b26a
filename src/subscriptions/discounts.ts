import type { Db } from "../db/client";
import { iso } from "../lib/time";
import type { Bindings } from "../env";
import { ApiError, badRequest } from "../http/errors";
import { getPlan } from "../plans/service";
import { newId } from "../lib/ids";
import {
  describeTerms,
  discountsBySubscription,
  insertDiscount,
  redeemableCoupon,
  redemptionFailure,
  redemptionStatements,
  remainingPeriodsFor,
  toBps,
  toDiscount,
  type DiscountTerms,
} from "../coupons";
import { assertTransition } from "./lifecycle";
import { findOwnedSubscription, liveSubscriptionId, presentSubscription, subscriptionWriteError, type SubscriptionRow } from "./queries";
import { catchUp } from "./rollover";
import type { ApplyDiscount, RedeemCoupon, Redemption, Subscription } from "./schemas";
import type { Caller } from "./service";

/** Putting discounts on subscriptions: coupons redeemed by code, and ad-hoc discounts. */

/**
 * Redeems `code` onto the subscription: eligibility is checked first for a precise error,
 * then re-checked atomically inside the batch (see redemptionStatements).
 */
export async function redeemOnto(db: Db, row: SubscriptionRow, code: string, actor: string, now: number) {
  const plan = await getPlan(db, row.planId);
  const coupon = await redeemableCoupon(db, code, row.tenantId, plan, now);
  const redemption = redemptionStatements(db, {
    coupon,
    tenantId: row.tenantId,
    subscriptionId: row.id,
    liveSubscriptionId: liveSubscriptionId(row.id),
    interval: plan.interval,
    createdBy: actor,
    now,
  });
  try {
    await db.batch(redemption.statements);
  } catch (err) {
    throw (await redemptionFailure(db, err, coupon, now)) ?? subscriptionWriteError(err);
  }
  return { coupon, ...redemption };
}

/** A coupon by code (billing:update), or ad-hoc terms (admin only: a tenant cannot grant itself a discount). */
export async function applyDiscount(env: Bindings, db: Db, caller: Caller, id: string, input: ApplyDiscount, now: number): Promise<Subscription> {
  const row = await catchUp(env, db, await findOwnedSubscription(db, id, caller.owner), now);
  assertTransition("discount", row.status);
  if (input.couponCode !== undefined) {
    await redeemOnto(db, row, input.couponCode, caller.actor, now);
  } else {
    if (!caller.admin) throw new ApiError("FORBIDDEN", "Ad-hoc discounts need the admin scope; apply a coupon with couponCode instead");
    const currency = input.amountOff !== undefined ? (input.currency ?? row.currency) : null;
    if (currency !== null && currency !== row.currency) {
      throw badRequest(`The subscription bills in ${row.currency}`, [{ path: "currency", message: `must be ${row.currency}`, code: "custom" }]);
    }
    const terms: DiscountTerms = {
      percentOffBps: toBps(input.percentOff),
      amountOff: input.amountOff ?? null,
      currency,
      duration: input.duration ?? "once",
      durationInMonths: input.durationInMonths ?? null,
    };
    const plan = await getPlan(db, row.planId);
    try {
      await insertDiscount(db, {
        id: newId("disc"),
        tenantId: row.tenantId,
        liveSubscriptionId: liveSubscriptionId(row.id),
        couponId: null,
        description: input.description ?? `Discount: ${describeTerms(terms)}`,
        terms,
        remainingPeriods: remainingPeriodsFor(terms, plan.interval),
        createdBy: caller.actor,
        now,
      });
    } catch (err) {
      throw subscriptionWriteError(err);
    }
  }
  return presentSubscription(db, row);
}

/** `POST /coupons/redeem`: the subscription must belong to `tenantId` (else 404). */
export async function redeemCoupon(env: Bindings, db: Db, input: RedeemCoupon, actor: string, now: number): Promise<Redemption> {
  const row = await catchUp(env, db, await findOwnedSubscription(db, input.subscriptionId, input.tenantId), now);
  assertTransition("discount", row.status);
  const { coupon, redemptionId, discountId } = await redeemOnto(db, row, input.code, actor, now);
  const discounts = await discountsBySubscription(db, [row.id]);
  const discount = discounts.get(row.id)!.find((d) => d.id === discountId)!;
  return {
    id: redemptionId,
    couponId: coupon.id,
    code: coupon.code,
    tenantId: row.tenantId,
    subscriptionId: row.id,
    discount: toDiscount(discount),
    createdAt: iso(now),
  };
}
