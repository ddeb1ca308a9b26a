import type { Db } from "../db/client";
import { log } from "../http/logger";
import { ensureTenant, setTenantStripeCustomer, tenantStripeCustomer } from "../tenants/service";
import { upstream, type Stripe } from "./client";
import type { StripeHandlers } from "./events";

/** The tenant's Stripe customer id if it has one yet (reads never create Stripe objects). */
export async function existingCustomer(db: Db, tenantId: string): Promise<string | null> {
  return tenantStripeCustomer(db, tenantId);
}

/**
 * The tenant's Stripe customer, created on first need. The create carries an idempotency
 * key derived from the tenant id, so concurrent first calls get the same customer back from
 * Stripe; the id is then stored only if none is stored yet, and the stored one wins.
 */
export async function ensureCustomer(db: Db, stripe: Stripe, tenantId: string, now: number): Promise<string> {
  const tenant = await ensureTenant(db, tenantId, now);
  if (tenant.stripeCustomerId) return tenant.stripeCustomerId;
  const customer = await upstream("customer create", () =>
    stripe.customers.create(
      {
        name: tenant.name ?? tenant.id,
        ...(tenant.billingEmail ? { email: tenant.billingEmail } : {}),
        metadata: { tenantId: tenant.id },
      },
      { idempotencyKey: `tenant-customer:${tenant.id}` },
    ),
  );
  return linkCustomer(db, tenant.id, customer.id, now);
}

/** Stores `customerId` on the tenant unless it already has one; returns the tenant's customer id. */
export async function linkCustomer(db: Db, tenantId: string, customerId: string, now: number): Promise<string> {
  const stored = await setTenantStripeCustomer(db, tenantId, customerId, now);
  if (stored !== customerId) {
    log("warn", stored ? "tenant already has another stripe customer" : "stripe customer names an unknown tenant", {
      tenantId,
      stored,
      offered: customerId,
    });
  }
  return stored ?? customerId;
}

/** A completed Checkout links the tenant to the customer it created (if the tenant has none yet). */
export const customerStripeHandlers: StripeHandlers = {
  "checkout.session.completed": async (event, ctx) => {
    const session = event.data.object;
    const tenantId = session.client_reference_id ?? session.metadata?.tenantId;
    const customer = typeof session.customer === "string" ? session.customer : session.customer?.id;
    if (tenantId && customer) await linkCustomer(ctx.db, tenantId, customer, ctx.now);
  },
};
