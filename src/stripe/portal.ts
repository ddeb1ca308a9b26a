import type { Db } from "../db/client";
import { upstream, type Stripe } from "./client";
import { ensureCustomer } from "./customers";
import type { HostedSession } from "./checkout";

/** A Stripe customer portal session for the tenant, returning the user to `returnUrl`. */
export async function createPortalSession(db: Db, stripe: Stripe, tenantId: string, returnUrl: string, now: number): Promise<HostedSession> {
  const customer = await ensureCustomer(db, stripe, tenantId, now);
  const session = await upstream("portal session", () => stripe.billingPortal.sessions.create({ customer, return_url: returnUrl }));
  return { sessionId: session.id, url: session.url };
}
