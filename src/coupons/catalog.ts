import { desc, eq } from "drizzle-orm";
import type { Db } from "../db/client";
import { badRequest, conflict, notFound } from "../http/errors";
import { afterCursor, decodeCursor, paginate } from "../http/pagination";
import { newId } from "../lib/ids";
import { iso } from "../lib/time";
import { toBps, toPercentOff, type DiscountTerms } from "./discounts";
import type { Coupon, CreateCoupon } from "./schemas";
import { coupons, type CouponRow } from "./table";

/** The coupon catalog: platform-wide codes and their terms (set by the operator). */

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
