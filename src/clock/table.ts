import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const CLOCK_STATUSES = ["ready", "advancing", "failed"] as const;
export type ClockStatus = (typeof CLOCK_STATUSES)[number];

export const testClocks = sqliteTable("test_clocks", {
  id: text("id").primaryKey(),
  name: text("name"),
  frozenTime: integer("frozen_time").notNull(),
  status: text("status", { enum: CLOCK_STATUSES }).notNull().default("ready"),
  advancingTo: integer("advancing_to"),
  failure: text("failure"),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
});
export type TestClockRow = typeof testClocks.$inferSelect;

/** Which tenant runs on which clock (a tenant on none runs on real time). */
export const testClockTenants = sqliteTable(
  "test_clock_tenants",
  {
    tenantId: text("tenant_id").primaryKey(),
    clockId: text("clock_id")
      .notNull()
      .references(() => testClocks.id),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("test_clock_tenants_clock").on(t.clockId)],
);
