import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

export type StripeEventOutcome = "handled" | "ignored";

/** One row per Stripe event id (see migrations/0060_stripe_events.sql). */
export const stripeEvents = sqliteTable("stripe_events", {
  id: text("id").primaryKey(),
  type: text("type").notNull(),
  objectId: text("object_id"),
  tenantId: text("tenant_id"),
  livemode: integer("livemode", { mode: "boolean" }).notNull().default(false),
  outcome: text("outcome").$type<StripeEventOutcome>(),
  attempts: integer("attempts").notNull().default(0),
  lastError: text("last_error"),
  eventCreatedAt: integer("event_created_at").notNull(),
  receivedAt: integer("received_at").notNull(),
  claimedUntil: integer("claimed_until"),
  processedAt: integer("processed_at"),
});
export type StripeEventRow = typeof stripeEvents.$inferSelect;
