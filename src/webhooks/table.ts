import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** migrations/0091_webhooks.sql */
export const webhookEndpoints = sqliteTable("webhook_endpoints", {
  id: text("id").primaryKey(),
  tenantId: text("tenant_id").notNull(),
  url: text("url").notNull(),
  description: text("description"),
  events: text("events", { mode: "json" }).notNull().$type<string[]>(),
  enabled: integer("enabled", { mode: "boolean" }).notNull().default(true),
  disabledReason: text("disabled_reason"),
  secret: text("secret").notNull(),
  previousSecret: text("previous_secret"),
  previousSecretExpiresAt: integer("previous_secret_expires_at"),
  source: text("source", { enum: ["api", "alert"] })
    .notNull()
    .default("api"),
  failingSince: integer("failing_since"),
  leaseUntil: integer("lease_until"),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
});
export type WebhookEndpointRow = typeof webhookEndpoints.$inferSelect;

export const webhookDeliveries = sqliteTable("webhook_deliveries", {
  id: text("id").primaryKey(),
  tenantId: text("tenant_id").notNull(),
  endpointId: text("endpoint_id").notNull(),
  eventId: text("event_id").notNull(),
  eventSeq: integer("event_seq").notNull(),
  status: text("status", { enum: ["pending", "succeeded", "failed"] }).notNull(),
  attempts: integer("attempts").notNull().default(0),
  retryStep: integer("retry_step").notNull().default(0),
  nextAttemptAt: integer("next_attempt_at"),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
});
export type WebhookDeliveryRow = typeof webhookDeliveries.$inferSelect;

export const webhookAttempts = sqliteTable("webhook_attempts", {
  id: text("id").primaryKey(),
  tenantId: text("tenant_id").notNull(),
  endpointId: text("endpoint_id").notNull(),
  deliveryId: text("delivery_id").notNull(),
  eventId: text("event_id").notNull(),
  eventType: text("event_type").notNull(),
  attempt: integer("attempt").notNull(),
  status: text("status", { enum: ["succeeded", "failed"] }).notNull(),
  responseStatus: integer("response_status"),
  responseBody: text("response_body"),
  error: text("error"),
  durationMs: integer("duration_ms").notNull(),
  attemptedAt: integer("attempted_at").notNull(),
  nextAttemptAt: integer("next_attempt_at"),
});
export type WebhookAttemptRow = typeof webhookAttempts.$inferSelect;
