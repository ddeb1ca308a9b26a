import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const SUBSCRIPTION_STATUSES = ["trialing", "active", "paused", "past_due", "canceled"] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

/**
 * migrations/0020_subscriptions.sql. What the period close reads:
 * - `current_period_start/end`: the open period [start, end). Ended periods are frozen in
 *   `subscription_periods` by the roll-over (rollover.ts): invoice those rows.
 * - `period_plan_id`: the plan whose base fee the current period is billed at (the plan in
 *   effect when the period began). Immediate plan changes add pending proration items and
 *   leave it alone; `plan_id` is the plan in effect now.
 * - `trial_end`: a period that ends on or before it is a trial period (no base fee).
 * - `subscription_pauses`: spans without base fee (see billing.ts `baseFeeLines`).
 */
export const subscriptions = sqliteTable("subscriptions", {
  id: text("id").primaryKey(),
  tenantId: text("tenant_id").notNull(),
  projectId: text("project_id"),
  productId: text("product_id"),
  planId: text("plan_id").notNull(),
  currency: text("currency").notNull(),
  status: text("status", { enum: SUBSCRIPTION_STATUSES }).notNull(),
  billingAnchor: integer("billing_anchor").notNull(),
  currentPeriodStart: integer("current_period_start").notNull(),
  currentPeriodEnd: integer("current_period_end").notNull(),
  periodPlanId: text("period_plan_id").notNull(),
  trialStart: integer("trial_start"),
  trialEnd: integer("trial_end"),
  cancelAtPeriodEnd: integer("cancel_at_period_end", { mode: "boolean" }).notNull().default(false),
  canceledAt: integer("canceled_at"),
  endedAt: integer("ended_at"),
  pausedAt: integer("paused_at"),
  resumesAt: integer("resumes_at"),
  scheduledPlanId: text("scheduled_plan_id"),
  scheduledChangeAt: integer("scheduled_change_at"),
  reactivatedFrom: text("reactivated_from"),
  version: integer("version").notNull().default(0),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
});
export type SubscriptionRow = typeof subscriptions.$inferSelect;

/** A period that has ended, frozen as it closed: what its invoice bills (see billing.ts). */
export const subscriptionPeriods = sqliteTable("subscription_periods", {
  id: text("id").primaryKey(),
  subscriptionId: text("subscription_id").notNull(),
  tenantId: text("tenant_id").notNull(),
  periodStart: integer("period_start").notNull(),
  periodEnd: integer("period_end").notNull(),
  /** The plan the base fee is billed at. */
  planId: text("plan_id").notNull(),
  currency: text("currency").notNull(),
  /** A trial period: no base fee. */
  trial: integer("trial", { mode: "boolean" }).notNull(),
  /** Set when the subscription ended inside the period (immediate cancel). */
  endedAt: integer("ended_at"),
  closedAt: integer("closed_at").notNull(),
  invoiceId: text("invoice_id"),
});
export type PeriodRow = typeof subscriptionPeriods.$inferSelect;

export const subscriptionPauses = sqliteTable("subscription_pauses", {
  id: text("id").primaryKey(),
  subscriptionId: text("subscription_id").notNull(),
  tenantId: text("tenant_id").notNull(),
  planId: text("plan_id").notNull(),
  startedAt: integer("started_at").notNull(),
  /** NULL while the subscription is still paused. */
  endedAt: integer("ended_at"),
});
export type PauseRow = typeof subscriptionPauses.$inferSelect;

/**
 * Proration credits (negative) and charges (positive) not yet invoiced. An invoice takes
 * the open items of its subscription and sets `invoice_id` in its finalization batch
 * (`UPDATE … SET invoice_id = ? WHERE id = ? AND invoice_id IS NULL`).
 */
export const pendingInvoiceItems = sqliteTable("pending_invoice_items", {
  id: text("id").primaryKey(),
  tenantId: text("tenant_id").notNull(),
  subscriptionId: text("subscription_id").notNull(),
  kind: text("kind", { enum: ["proration"] }).notNull(),
  description: text("description").notNull(),
  planId: text("plan_id"),
  amount: integer("amount").notNull(),
  currency: text("currency").notNull(),
  periodStart: integer("period_start").notNull(),
  periodEnd: integer("period_end").notNull(),
  createdAt: integer("created_at").notNull(),
  invoiceId: text("invoice_id"),
});
export type PendingInvoiceItemRow = typeof pendingInvoiceItems.$inferSelect;
