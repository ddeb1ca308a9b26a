import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const SUBSCRIPTION_STATUSES = ["trialing", "active", "paused", "past_due", "canceled"] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

/**
 * migrations/0020 and 0080. The row is the subscription as it stands now; what it was at
 * any earlier instant is in `subscription_phases` (append-only), which billing reads.
 * - `current_period_start/end`: the open period [start, end). Ended periods are frozen in
 *   `subscription_periods` by the roll-over (rollover.ts): invoice those rows.
 * - `plan_id`/`plan_version`: the plan version in effect now.
 * - `trial_end`: a period that ends on or before it is a trial period (no base fee).
 */
export const subscriptions = sqliteTable("subscriptions", {
  id: text("id").primaryKey(),
  tenantId: text("tenant_id").notNull(),
  projectId: text("project_id"),
  productId: text("product_id"),
  planId: text("plan_id").notNull(),
  planVersion: integer("plan_version").notNull(),
  currency: text("currency").notNull(),
  status: text("status", { enum: SUBSCRIPTION_STATUSES }).notNull(),
  billingAnchor: integer("billing_anchor").notNull(),
  currentPeriodStart: integer("current_period_start").notNull(),
  currentPeriodEnd: integer("current_period_end").notNull(),
  trialStart: integer("trial_start"),
  trialEnd: integer("trial_end"),
  cancelAtPeriodEnd: integer("cancel_at_period_end", { mode: "boolean" }).notNull().default(false),
  canceledAt: integer("canceled_at"),
  endedAt: integer("ended_at"),
  pausedAt: integer("paused_at"),
  resumesAt: integer("resumes_at"),
  scheduledPlanId: text("scheduled_plan_id"),
  scheduledPlanVersion: integer("scheduled_plan_version"),
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
  /** The plan version in effect when the period began. */
  planId: text("plan_id").notNull(),
  planVersion: integer("plan_version").notNull(),
  currency: text("currency").notNull(),
  /** A trial period: no base fee. */
  trial: integer("trial", { mode: "boolean" }).notNull(),
  /** Set when the subscription ended inside the period (immediate cancel). */
  endedAt: integer("ended_at"),
  closedAt: integer("closed_at").notNull(),
  invoiceId: text("invoice_id"),
});
export type PeriodRow = typeof subscriptionPeriods.$inferSelect;

export const PHASE_STATES = ["trial", "active", "paused", "ended"] as const;
export type PhaseState = (typeof PHASE_STATES)[number];

/**
 * A subscription's history: each row holds from `starts_at` until the next row (ties: the
 * higher `seq`). `plan_*` prices usage; `fee_plan_*` is the plan whose base fee accrues
 * (null: none, as in a trial, a pause or after a prorated cancel). Never updated.
 */
export const subscriptionPhases = sqliteTable("subscription_phases", {
  seq: integer("seq").primaryKey({ autoIncrement: true }),
  subscriptionId: text("subscription_id").notNull(),
  tenantId: text("tenant_id").notNull(),
  projectId: text("project_id"),
  startsAt: integer("starts_at").notNull(),
  state: text("state", { enum: PHASE_STATES }).notNull(),
  planId: text("plan_id").notNull(),
  planVersion: integer("plan_version").notNull(),
  feePlanId: text("fee_plan_id"),
  feePlanVersion: integer("fee_plan_version"),
  createdAt: integer("created_at").notNull(),
});
export type PhaseRow = typeof subscriptionPhases.$inferSelect;
export type NewPhase = Omit<PhaseRow, "seq">;
