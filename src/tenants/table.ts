import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { DEFAULT_ROUNDING_MODE, ROUNDING_MODES } from "../money/rounding";

export interface PostalAddress {
  line1?: string;
  line2?: string;
  city?: string;
  state?: string;
  postalCode?: string;
  country?: string;
}

export const tenants = sqliteTable("tenants", {
  id: text("id").primaryKey(),
  name: text("name"),
  billingEmail: text("billing_email"),
  billingAddress: text("billing_address", { mode: "json" }).$type<PostalAddress>(),
  currency: text("currency").notNull().default("USD"),
  taxRateBps: integer("tax_rate_bps").notNull().default(0),
  /** How this tenant's amounts are rounded to minor units (see money/rounding.ts). */
  roundingMode: text("rounding_mode", { enum: ROUNDING_MODES }).notNull().default(DEFAULT_ROUNDING_MODE),
  stripeCustomerId: text("stripe_customer_id"),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
});
export type TenantRow = typeof tenants.$inferSelect;
