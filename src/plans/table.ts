import { integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import type { PlanFeature, PlanMeter } from "./schemas";

export type TrialUsage = "free" | "billed";

/** The plan's head: the current version's fields (what new subscriptions take), its number, and whether it is offered. */
export const plans = sqliteTable("plans", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  description: text("description").notNull().default(""),
  currency: text("currency").notNull(),
  basePrice: integer("base_price").notNull(),
  interval: text("interval", { enum: ["month", "year"] }).notNull(),
  trialDays: integer("trial_days").notNull().default(0),
  trialUsage: text("trial_usage", { enum: ["free", "billed"] })
    .notNull()
    .default("free"),
  meters: text("meters", { mode: "json" }).$type<PlanMeter[]>().notNull(),
  features: text("features", { mode: "json" }).$type<PlanFeature[]>().notNull().default([]),
  version: integer("version").notNull().default(1),
  active: integer("active", { mode: "boolean" }).notNull().default(true),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
});
export type PlanRow = typeof plans.$inferSelect;

/** Every version a plan ever had; immutable once written (migrations/0080). */
export const planVersions = sqliteTable(
  "plan_versions",
  {
    planId: text("plan_id").notNull(),
    version: integer("version").notNull(),
    name: text("name").notNull(),
    description: text("description").notNull(),
    currency: text("currency").notNull(),
    basePrice: integer("base_price").notNull(),
    interval: text("interval", { enum: ["month", "year"] }).notNull(),
    trialDays: integer("trial_days").notNull(),
    trialUsage: text("trial_usage", { enum: ["free", "billed"] }).notNull(),
    meters: text("meters", { mode: "json" }).$type<PlanMeter[]>().notNull(),
    features: text("features", { mode: "json" }).$type<PlanFeature[]>().notNull().default([]),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.planId, t.version] })],
);
export type PlanVersionRow = typeof planVersions.$inferSelect;
