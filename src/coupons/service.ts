import { and, desc, eq, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { iso } from "../lib/time";
import { ApiError, badRequest, conflict, notFound } from "../http/errors";
import { afterCursor, decodeCursor, paginate } from "../http/pagination";
import { mulDivRounded } from "../money/rounding";
import { tenantRoundingMode } from "../tenants/service";
import { findPlan } from "../plans/service";
import type { Plan } from "../plans/schemas";
import { constraintViolation } from "../db/constraints";
import { newId } from "../lib/ids";
import { findLiveSubscription } from "../subscriptions/queries";
import { describeTerms, insertDiscount, remainingPeriodsFor, toBps, toPercentOff, type DiscountTerms } from "./discounts";
import type { Coupon, CouponValidation, CreateCoupon, IneligibilityReason, ValidateCoupon } from "./schemas";
import { couponRedemptions, coupons, type CouponRow } from "./table";

export const codeKey = (code: string) => code.trim().toUpperCase();

export function isRedeemableNow(c: CouponRow, now: number): boolean {
  return c.active && (c.redeemBy === null || c.redeemBy > now) && (c.maxRedemptions === null || c.timesRedeemed < c.maxRedemptions);
}

export const toCoupon = (row: CouponRow, now: number): Coupon => ({
  id: row.id,
  code: row.code,
  name: row.name,
  percentOff: toPercentOff(row.percentOffBps),
  amountOff: row.amountOff,
  currency: row.currency,
  duration: row.duration,
  durationInMonths: row.durationInMonths,
  maxRedemptions: row.maxRedemptions,
  timesRedeemed: row.timesRedeemed,
  redeemBy: row.redeemBy === null ? null : iso(row.redeemBy),
  planIds: row.planIds ?? null,
  active: row.active,
  valid: isRedeemableNow(row, now),
  createdAt: iso(row.createdAt),
  updatedAt: iso(row.updatedAt),
});

export const couponTerms = (c: CouponRow): DiscountTerms => ({
  percentOffBps: c.percentOffBps,
  amountOff: c.amountOff,
  currency: c.currency,
  duration: c.duration,
  durationInMonths: c.durationInMonths,
});

export async function createCoupon(db: Db, input: CreateCoupon, now: number): Promise<Coupon> {
  if (input.redeemBy !== undefined && input.redeemBy <= now) {
    throw badRequest("redeemBy must lie in the future", [{ path: "redeemBy", message: "must lie in the future", code: "custom" }]);
  }
  const rows = await db
    .insert(coupons)
    .values({
      id: newId("coupon"),
      code: input.code,
      codeKey: codeKey(input.code),
      name: input.name ?? null,
      percentOffBps: toBps(input.percentOff),
      amountOff: input.amountOff ?? null,
      currency: input.currency ?? null,
      duration: input.duration,
      durationInMonths: input.durationInMonths ?? null,
      maxRedemptions: input.maxRedemptions ?? null,
      redeemBy: input.redeemBy ?? null,
      planIds: input.planIds ?? null,
      active: input.active,
      createdAt: now,
      updatedAt: now,
    })
    .onConflictDoNothing()
    .returning();
  if (!rows[0]) throw conflict(`A coupon with code ${input.code} already exists (codes are case-insensitive)`);
  return toCoupon(rows[0], now);
}

export async function listCoupons(db: Db, opts: { limit: number; cursor?: string }, now: number) {
  const after = decodeCursor(opts.cursor);
  const rows = await db
    .select()
    .from(coupons)
    .where(afterCursor(after, coupons.createdAt, coupons.id, "desc"))
    .orderBy(desc(coupons.createdAt), desc(coupons.id))
    .limit(opts.limit + 1);
  const page = paginate(rows, opts.limit, (r) => ({ k: r.createdAt, id: r.id }));
  return { items: page.items.map((r) => toCoupon(r, now)), nextCursor: page.nextCursor };
}

export async function findCouponByCode(db: Db, code: string): Promise<CouponRow | undefined> {
  return db
    .select()
    .from(coupons)
    .where(eq(coupons.codeKey, codeKey(code)))
    .get();
}

/** By id, or by code (case-insensitive) for convenience. */
export async function getCoupon(db: Db, idOrCode: string, now: number): Promise<Coupon> {
  const row = (await db.select().from(coupons).where(eq(coupons.id, idOrCode)).get()) ?? (await findCouponByCode(db, idOrCode));
  if (!row) throw notFound("Coupon", idOrCode);
  return toCoupon(row, now);
}

/** Idempotent: deactivating an inactive coupon returns it unchanged. Redemptions made stay. */
export async function deactivateCoupon(db: Db, id: string, now: number): Promise<Coupon> {
  const rows = await db.update(coupons).set({ active: false, updatedAt: now }).where(eq(coupons.id, id)).returning();
  if (!rows[0]) throw notFound("Coupon", id);
  return toCoupon(rows[0], now);
}

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
  r: { coupon: CouponRow; tenantId: string; subscriptionId: string; interval: Plan["interval"]; createdBy: string | null; now: number },
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
      subscriptionId: r.subscriptionId,
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

/** Whether `code` would work for the tenant (and plan), and what it would take off. Never throws for a bad coupon. */
export async function validateCoupon(db: Db, input: ValidateCoupon, now: number): Promise<CouponValidation> {
  const coupon = await findCouponByCode(db, input.code);
  let plan: Plan | undefined;
  if (input.planId) {
    plan = await findPlan(db, input.planId);
    if (!plan) throw notFound("Plan", input.planId);
  } else {
    const live = await findLiveSubscription(db, input.tenantId);
    plan = live ? await findPlan(db, live.planId) : undefined;
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
