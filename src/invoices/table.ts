import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

export type InvoiceStatus = "draft" | "open" | "paid" | "void" | "uncollectible";
export type LineKind = "base" | "usage" | "proration" | "discount" | "credit" | "tax";

export interface BillingSnapshot {
  seller: { name: string; address: string };
  customer: { id: string; name: string | null; email: string | null; address: string[] };
}

export const invoices = sqliteTable("invoices", {
  id: text("id").primaryKey(),
  tenantId: text("tenant_id").notNull(),
  subscriptionId: text("subscription_id"),
  periodKey: text("period_key").notNull(),
  number: text("number"),
  status: text("status").$type<InvoiceStatus>().notNull(),
  currency: text("currency").notNull(),
  periodStart: integer("period_start").notNull(),
  periodEnd: integer("period_end").notNull(),
  subtotal: integer("subtotal").notNull().default(0),
  discountTotal: integer("discount_total").notNull().default(0),
  taxRateBps: integer("tax_rate_bps").notNull().default(0),
  taxAmount: integer("tax_amount").notNull().default(0),
  total: integer("total").notNull().default(0),
  creditsApplied: integer("credits_applied").notNull().default(0),
  amountDue: integer("amount_due").notNull().default(0),
  billingSnapshot: text("billing_snapshot", { mode: "json" }).$type<BillingSnapshot>(),
  pdfKey: text("pdf_key"),
  stripePaymentIntentId: text("stripe_payment_intent_id"),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
  finalizedAt: integer("finalized_at"),
  dueAt: integer("due_at"),
  paidAt: integer("paid_at"),
  voidedAt: integer("voided_at"),
});
export type InvoiceRow = typeof invoices.$inferSelect;

export const invoiceLines = sqliteTable("invoice_lines", {
  id: text("id").primaryKey(),
  invoiceId: text("invoice_id").notNull(),
  position: integer("position").notNull(),
  kind: text("kind").$type<LineKind>().notNull(),
  description: text("description").notNull(),
  meter: text("meter"),
  quantity: text("quantity").notNull(),
  unitPrice: text("unit_price").notNull(),
  amount: integer("amount").notNull(),
  periodStart: integer("period_start").notNull(),
  periodEnd: integer("period_end").notNull(),
  sourceId: text("source_id"),
  /** Usage lines: the quantity used in the period (before included units) when last computed. */
  usedQuantity: text("used_quantity"),
});
export type InvoiceLineRow = typeof invoiceLines.$inferSelect;

export const invoiceSequences = sqliteTable("invoice_sequences", {
  tenantId: text("tenant_id").primaryKey(),
  lastNumber: integer("last_number").notNull().default(0),
});
