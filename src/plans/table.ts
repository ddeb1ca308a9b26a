import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import type { PlanMeter } from "./schemas";

export const plans = sqliteTable("plans", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  description: text("description").notNull().default(""),
  currency: text("currency").notNull(),
  basePrice: integer("base_price").notNull(),
  interval: text("interval", { enum: ["month", "year"] }).notNull(),
  trialDays: integer("trial_days").notNull().default(0),
  meters: text("meters", { mode: "json" }).$type<PlanMeter[]>().notNull(),
  active: integer("active", { mode: "boolean" }).notNull().default(true),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
});
export type PlanRow = typeof plans.$inferSelect;
