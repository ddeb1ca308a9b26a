import { index, integer, sqliteTable, text, unique } from "drizzle-orm/sqlite-core";
import type { Enforcement, QuotaPeriod } from "../metering/quota-rules";

/** Explicit quotas (migration 0011). The plan's limits are the defaults and are not stored here. */
export const quotas = sqliteTable(
  "quotas",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull(),
    metric: text("metric").notNull(),
    /** Canonical decimal string. */
    limitValue: text("limit_value").notNull(),
    period: text("period").$type<QuotaPeriod>().notNull(),
    enforcement: text("enforcement").$type<Enforcement>().notNull(),
    source: text("source").$type<"tenant" | "operator">().notNull(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [unique().on(t.tenantId, t.metric, t.period, t.source), index("quotas_by_tenant").on(t.tenantId, t.createdAt, t.id)],
);
export type QuotaRow = typeof quotas.$inferSelect;
