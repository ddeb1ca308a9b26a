import type { Db } from "../db/client";
import type { Bindings } from "../env";
import { ApiError } from "../http/errors";
import { stripeCurrency, toStripeAmount } from "./amounts";
import { stripeClient, upstream } from "./client";
import { existingCustomer } from "./customers";

/**
 * Charges a tenant's default payment method with nobody present (an automatic wallet top-up).
 * Stripe confirms it at once; the caller acts on the `payment_intent.*` webhook, not on this
 * answer, so a charge that settles later is handled the same way. The idempotency key makes a
 * retried charge the same charge. Throws PAYMENT_REQUIRED for a declined card and
 * INVALID_STATE when the tenant has no payment method to charge.
 */
export async function chargeOffSession(
  env: Bindings,
  db: Db,
  c: { tenantId: string; amount: number; currency: string; idempotencyKey: string; description: string; metadata: Record<string, string> },
): Promise<{ paymentIntentId: string; status: string }> {
  const stripe = stripeClient(env);
  const customer = await existingCustomer(db, c.tenantId);
  const found = customer ? await upstream("customer retrieve", () => stripe.customers.retrieve(customer)) : null;
  const method = found && !found.deleted ? found.invoice_settings?.default_payment_method : null;
  if (!customer || !method) throw new ApiError("INVALID_STATE", "The tenant has no default payment method to charge");
  const intent = await upstream("payment intent create", () =>
    stripe.paymentIntents.create(
      {
        amount: toStripeAmount(c.amount, c.currency),
        currency: stripeCurrency(c.currency),
        customer,
        payment_method: typeof method === "string" ? method : method.id,
        off_session: true,
        confirm: true,
        description: c.description,
        metadata: { tenantId: c.tenantId, ...c.metadata },
      },
      { idempotencyKey: c.idempotencyKey },
    ),
  );
  return { paymentIntentId: intent.id, status: intent.status };
}
