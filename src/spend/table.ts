import { integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** Mirrors migrations/0030_spend.sql. The FTS5 table and its triggers live only in SQL. */
export const spendCategories = sqliteTable("spend_categories", {
  id: text("id").primaryKey(),
  tenantId: text("tenant_id").notNull(),
  name: text("name").notNull(),
  description: text("description").notNull().default(""),
  color: text("color"),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
});
export type SpendCategoryRow = typeof spendCategories.$inferSelect;

export const spendItems = sqliteTable("spend_items", {
  seq: integer("seq").primaryKey(),
  id: text("id").notNull().unique(),
  tenantId: text("tenant_id").notNull(),
  name: text("name").notNull(),
  amount: integer("amount").notNull(),
  currency: text("currency").notNull(),
  provider: text("provider").notNull(),
  providerRef: text("provider_ref"),
  service: text("service"),
  categoryId: text("category_id").references(() => spendCategories.id, { onDelete: "set null" }),
  tags: text("tags", { mode: "json" }).$type<string[]>().notNull().default([]),
  description: text("description").notNull().default(""),
  recurring: integer("recurring", { mode: "boolean" }).notNull().default(false),
  period: text("period"),
  stageApp: text("stage_app"),
  author: text("author"),
  date: integer("date").notNull(),
  syncJobId: text("sync_job_id"),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
});
export type SpendItemRow = typeof spendItems.$inferSelect;

export const spendItemTags = sqliteTable(
  "spend_item_tags",
  {
    itemSeq: integer("item_seq").notNull(),
    tenantId: text("tenant_id").notNull(),
    tag: text("tag").notNull(),
  },
  (t) => [primaryKey({ columns: [t.itemSeq, t.tag] })],
);

/** Trigger-maintained monthly totals (see the migration); '' = no service / no category. */
export const spendMonthly = sqliteTable(
  "spend_monthly",
  {
    tenantId: text("tenant_id").notNull(),
    currency: text("currency").notNull(),
    month: text("month").notNull(),
    provider: text("provider").notNull(),
    service: text("service").notNull(),
    categoryId: text("category_id").notNull(),
    recurring: integer("recurring", { mode: "boolean" }).notNull(),
    amount: integer("amount").notNull(),
    itemCount: integer("item_count").notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.currency, t.month, t.provider, t.service, t.categoryId, t.recurring] })],
);

export const spendSyncJobs = sqliteTable("spend_sync_jobs", {
  id: text("id").primaryKey(),
  tenantId: text("tenant_id").notNull(),
  provider: text("provider").notNull(),
  status: text("status", { enum: ["running", "completed", "failed"] }).notNull(),
  trigger: text("trigger", { enum: ["manual", "scheduled"] }).notNull(),
  rangeFrom: text("range_from").notNull(),
  rangeTo: text("range_to").notNull(),
  options: text("options", { mode: "json" }).$type<Record<string, unknown>>().notNull().default({}),
  itemsCreated: integer("items_created").notNull().default(0),
  itemsUpdated: integer("items_updated").notNull().default(0),
  itemsUnchanged: integer("items_unchanged").notNull().default(0),
  error: text("error"),
  requestedBy: text("requested_by"),
  startedAt: integer("started_at").notNull(),
  completedAt: integer("completed_at"),
});
export type SpendSyncJobRow = typeof spendSyncJobs.$inferSelect;
