import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const DURATIONS = ["once", "repeating", "forever"] as const;
export type Duration = (typeof DURATIONS)[number];

/** migrations/0021_coupons.sql. Percentages are basis points (1250 = 12.5 %). */
export const coupons = sqliteTable("coupons", {
  id: text("id").primaryKey(),
  code: text("code").notNull(),
  codeKey: text("code_key").notNull().unique(),
  name: text("name"),
  percentOffBps: integer("percent_off_bps"),
  amountOff: integer("amount_off"),
  currency: text("currency"),
  duration: text("duration", { enum: DURATIONS }).notNull(),
  durationInMonths: integer("duration_in_months"),
  maxRedemptions: integer("max_redemptions"),
  timesRedeemed: integer("times_redeemed").notNull().default(0),
  redeemBy: integer("redeem_by"),
  planIds: text("plan_ids", { mode: "json" }).$type<string[]>(),
  active: integer("active", { mode: "boolean" }).notNull().default(true),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
});
export type CouponRow = typeof coupons.$inferSelect;

export const couponRedemptions = sqliteTable("coupon_redemptions", {
  id: text("id").primaryKey(),
  couponId: text("coupon_id").notNull(),
  tenantId: text("tenant_id").notNull(),
  subscriptionId: text("subscription_id").notNull(),
  discountId: text("discount_id").notNull(),
  createdAt: integer("created_at").notNull(),
});
export type RedemptionRow = typeof couponRedemptions.$inferSelect;

/**
 * A discount on a subscription's invoices, from a coupon or ad hoc. For invoicing:
 * apply the discounts whose `remaining_periods` is NULL (forever) or > 0, in creation
 * order; on finalization decrement each applied one once:
 * `UPDATE … SET remaining_periods = remaining_periods - 1, last_invoice_id = :invoice
 *  WHERE id = ? AND remaining_periods > 0 AND last_invoice_id IS NOT :invoice`.
 */
export const subscriptionDiscounts = sqliteTable("subscription_discounts", {
  id: text("id").primaryKey(),
  tenantId: text("tenant_id").notNull(),
  subscriptionId: text("subscription_id").notNull(),
  couponId: text("coupon_id"),
  description: text("description").notNull(),
  percentOffBps: integer("percent_off_bps"),
  amountOff: integer("amount_off"),
  currency: text("currency"),
  duration: text("duration", { enum: DURATIONS }).notNull(),
  durationInMonths: integer("duration_in_months"),
  remainingPeriods: integer("remaining_periods"),
  lastInvoiceId: text("last_invoice_id"),
  createdBy: text("created_by"),
  createdAt: integer("created_at").notNull(),
});
export type DiscountRow = typeof subscriptionDiscounts.$inferSelect;
