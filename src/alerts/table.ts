import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** migrations/0070_realtime_alerts.sql */
export const realtimeAlerts = sqliteTable("realtime_alerts", {
  id: text("id").primaryKey(),
  tenantId: text("tenant_id").notNull(),
  name: text("name"),
  type: text("type", { enum: ["cost", "usage"] }).notNull(),
  metric: text("metric"),
  thresholdAmount: integer("threshold_amount"),
  thresholdQuantity: text("threshold_quantity"),
  period: text("period", { enum: ["billing_period", "day", "hour"] }).notNull(),
  webhookUrl: text("webhook_url"),
  state: text("state", { enum: ["ok", "triggered", "dismissed"] })
    .notNull()
    .default("ok"),
  triggeredAt: integer("triggered_at"),
  dismissedAt: integer("dismissed_at"),
  lastValue: text("last_value"),
  windowStart: integer("window_start"),
  windowEnd: integer("window_end"),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
});
export type RealtimeAlertRow = typeof realtimeAlerts.$inferSelect;
