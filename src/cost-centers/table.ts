import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const costCenters = sqliteTable("cost_centers", {
  id: text("id").primaryKey(),
  tenantId: text("tenant_id").notNull(),
  name: text("name").notNull(),
  code: text("code"),
  description: text("description").notNull().default(""),
  ownerEmail: text("owner_email"),
  budgetAmount: integer("budget_amount"),
  budgetCurrency: text("budget_currency"),
  tags: text("tags", { mode: "json" }).$type<string[]>().notNull(),
  active: integer("active", { mode: "boolean" }).notNull().default(true),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
});
export type CostCenterRow = typeof costCenters.$inferSelect;
