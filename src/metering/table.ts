import { integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * Hourly rollups (migration 0010), written only by the TenantMeter's flush.
 * Dimensions use "" for "none"; quantities are exact decimal strings.
 */
export const usageRollups = sqliteTable(
  "usage_rollups",
  {
    tenantId: text("tenant_id").notNull(),
    bucketStart: integer("bucket_start").notNull(),
    metric: text("metric").notNull(),
    projectId: text("project_id").notNull().default(""),
    resource: text("resource").notNull().default(""),
    costCenterId: text("cost_center_id").notNull().default(""),
    eventCount: integer("event_count").notNull(),
    sumValue: text("sum_value").notNull(),
    maxValue: text("max_value"),
    latestAt: integer("latest_at"),
    latestSeq: integer("latest_seq"),
    latestValue: text("latest_value"),
    rejectedCount: integer("rejected_count").notNull().default(0),
    version: integer("version").notNull(),
    flushedAt: integer("flushed_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.bucketStart, t.metric, t.projectId, t.resource, t.costCenterId] })],
);

/** Distinct values of `unique_count` meters per bucket. */
export const usageRollupValues = sqliteTable(
  "usage_rollup_values",
  {
    tenantId: text("tenant_id").notNull(),
    bucketStart: integer("bucket_start").notNull(),
    metric: text("metric").notNull(),
    value: text("value").notNull(),
    projectId: text("project_id").notNull().default(""),
    resource: text("resource").notNull().default(""),
    costCenterId: text("cost_center_id").notNull().default(""),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.bucketStart, t.metric, t.value, t.projectId, t.resource, t.costCenterId] })],
);
