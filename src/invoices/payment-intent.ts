import type { Db } from "../db/client";
import type { Principal } from "../env";
import { ApiError, invalidState } from "../http/errors";
import { ensureCustomer, fromStripeAmount, stripeCurrency, toStripeAmount, upstream, type Stripe } from "../stripe";
import { attachPaymentIntent, loadInvoice } from "./store";

export interface InvoicePayment {
  clientSecret: string;
  paymentIntentId: string;
  /** Minor units the intent charges: the amount due, to the nearest amount Stripe can charge in the currency (see src/stripe/amounts.ts). */
  amount: number;
  currency: string;
}

/**
 * The intent already made for the invoice, unless it was canceled, no longer exists, or asks
 * for another amount than the invoice's (one made before amounts were converted to Stripe's
 * units charged 49 ISK for 4900 ISK).
 */
async function reusableIntent(stripe: Stripe, id: string, charge: { amount: number; currency: string }): Promise<Stripe.PaymentIntent | null> {
  try {
    const intent = await upstream("payment intent retrieve", () => stripe.paymentIntents.retrieve(id));
    if (intent.amount !== charge.amount || intent.currency !== charge.currency) return null;
    return intent.status === "canceled" ? null : intent;
  } catch (err) {
    if (err instanceof ApiError && err.code === "NOT_FOUND") return null;
    throw err;
  }
}

/**
 * A PaymentIntent for an open invoice's amount due, charged to the tenant's customer.
 * Asking again returns the same intent: the stored one while it is usable, and the create
 * carries an idempotency key per invoice (and per replaced intent), so concurrent or retried
 * calls cannot open two charges for one invoice.
 */
export async function createInvoicePaymentIntent(db: Db, stripe: Stripe, invoiceId: string, principal: Principal, now: number): Promise<InvoicePayment> {
  const { row } = await loadInvoice(db, invoiceId, principal);
  if (row.status !== "open") {
    throw invalidState(`Invoice is ${row.status}; only an open invoice can be paid`, { status: row.status });
  }
  if (row.amountDue <= 0) throw invalidState("Invoice has no amount due", { amountDue: row.amountDue });

  const charge = { amount: toStripeAmount(row.amountDue, row.currency), currency: stripeCurrency(row.currency) };
  const stored = row.stripePaymentIntentId;
  let intent = stored ? await reusableIntent(stripe, stored, charge) : null;
  if (!intent) {
    const customer = await ensureCustomer(db, stripe, row.tenantId, now);
    intent = await upstream("payment intent create", () =>
      stripe.paymentIntents.create(
        {
          ...charge,
          customer,
          description: `Invoice ${row.number}`,
          metadata: { invoiceId: row.id, tenantId: row.tenantId, invoiceNumber: row.number ?? "" },
          automatic_payment_methods: { enabled: true },
        },
        { idempotencyKey: stored ? `invoice-payment:${row.id}:after:${stored}` : `invoice-payment:${row.id}` },
      ),
    );
    await attachPaymentIntent(db, row.id, intent.id, now);
  }
  if (!intent.client_secret) throw new ApiError("UPSTREAM_ERROR", "Stripe returned a payment intent without a client secret");
  return { clientSecret: intent.client_secret, paymentIntentId: intent.id, amount: fromStripeAmount(intent.amount, row.currency), currency: row.currency };
}
