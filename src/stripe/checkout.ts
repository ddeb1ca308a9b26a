import type { Db } from "../db/client";
import { ApiError, invalidState } from "../http/errors";
import { getPlan } from "../plans/service";
import { stripeCurrency, toStripeAmount } from "./amounts";
import { upstream, type Stripe } from "./client";
import { ensureCustomer } from "./customers";

export interface CheckoutInput {
  /** One of our plans: the line item is priced from the plan (basePrice per interval). */
  planId?: string;
  /** Or a price that already exists in the Stripe account. */
  priceId?: string;
  successUrl: string;
  cancelUrl: string;
}

export interface HostedSession {
  sessionId: string;
  url: string;
}

async function lineItem(db: Db, input: CheckoutInput): Promise<{ item: Stripe.Checkout.SessionCreateParams.LineItem; trialDays: number }> {
  if (!input.planId) return { item: { price: input.priceId!, quantity: 1 }, trialDays: 0 };
  const plan = await getPlan(db, input.planId);
  if (!plan.active) throw invalidState(`Plan ${plan.id} is no longer offered`, { planId: plan.id });
  return {
    item: {
      quantity: 1,
      price_data: {
        currency: stripeCurrency(plan.currency),
        unit_amount: toStripeAmount(plan.basePrice, plan.currency),
        recurring: { interval: plan.interval },
        product_data: { name: plan.name, metadata: { planId: plan.id } },
      },
    },
    trialDays: plan.trialDays,
  };
}

/**
 * A hosted Checkout Session that subscribes the tenant's Stripe customer. The tenant and
 * plan ride along as metadata (on the session and on the subscription it creates), so the
 * webhook can tie what Stripe reports back to our tenant.
 */
export async function createCheckoutSession(db: Db, stripe: Stripe, tenantId: string, input: CheckoutInput, now: number): Promise<HostedSession> {
  const { item, trialDays } = await lineItem(db, input);
  const customer = await ensureCustomer(db, stripe, tenantId, now);
  const metadata = { tenantId, ...(input.planId ? { planId: input.planId } : {}) };
  const session = await upstream("checkout session", () =>
    stripe.checkout.sessions.create({
      mode: "subscription",
      customer,
      client_reference_id: tenantId,
      line_items: [item],
      success_url: input.successUrl,
      cancel_url: input.cancelUrl,
      metadata,
      subscription_data: { metadata, ...(trialDays > 0 ? { trial_period_days: trialDays } : {}) },
    }),
  );
  if (!session.url) throw new ApiError("UPSTREAM_ERROR", "Stripe returned a checkout session without a URL");
  return { sessionId: session.id, url: session.url };
}
