import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const CREDIT_KINDS = ["grant", "consumption", "restore"] as const;
export type CreditKind = (typeof CREDIT_KINDS)[number];

/**
 * migrations/0022_credits.sql: append-only, signed movements of a tenant's credit.
 * A grant's `grant_id` is its own id; consumptions (negative, by an invoice) and restores
 * (positive, when that invoice is voided) name the grant and copy its `expires_at`, so
 * the balance at t is one SUM over rows not expired at t (see ledger.ts).
 */
export const creditLedger = sqliteTable("credit_ledger", {
  id: text("id").primaryKey(),
  tenantId: text("tenant_id").notNull(),
  currency: text("currency").notNull(),
  kind: text("kind", { enum: CREDIT_KINDS }).notNull(),
  amount: integer("amount").notNull(),
  grantId: text("grant_id").notNull(),
  expiresAt: integer("expires_at"),
  reason: text("reason").notNull(),
  subscriptionId: text("subscription_id"),
  invoiceId: text("invoice_id"),
  createdBy: text("created_by"),
  createdAt: integer("created_at").notNull(),
});
export type CreditMovementRow = typeof creditLedger.$inferSelect;
