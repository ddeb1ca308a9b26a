import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

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
  stripeCustomerId: text("stripe_customer_id"),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
});
export type TenantRow = typeof tenants.$inferSelect;
