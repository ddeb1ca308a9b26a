import { tenantNow } from "../clock";
import { log } from "../http/logger";
import { coversAmountDue, type Stripe, type StripeEventContext, type StripeEventHandler, type StripeHandlers } from "../stripe";
import { invoiceEventStatement } from "./events";
import { markInvoicePaid } from "./lifecycle";
import { findInvoice } from "./store";

interface Payment {
  invoiceId: string;
  tenantId: string | undefined;
  /** What Stripe received, in Stripe's units for `currency` (Stripe's lowercase code). */
  amount: number;
  currency: string;
  paymentIntentId?: string;
  /** When Stripe recorded the payment (epoch ms). */
  paidAt: number;
}

/**
 * Marks our invoice paid when a payment for it succeeded, once. A payment that names
 * another tenant, another currency or less than the amount due does not settle it; such
 * payments and payments for an invoice that is no longer open are logged for an operator.
 */
async function settleInvoice({ db, env }: StripeEventContext, payment: Payment): Promise<void> {
  const fields = { invoiceId: payment.invoiceId, tenantId: payment.tenantId, paymentIntentId: payment.paymentIntentId };
  const row = await findInvoice(db, payment.invoiceId);
  if (!row || (payment.tenantId && payment.tenantId !== row.tenantId)) {
    log("warn", "stripe payment names an unknown invoice", fields);
    return;
  }
  if (payment.currency.toUpperCase() !== row.currency || !coversAmountDue(payment.amount, row.amountDue, row.currency)) {
    log("error", "stripe payment does not cover the invoice", {
      ...fields,
      received: payment.amount,
      receivedUnit: "stripe",
      receivedCurrency: payment.currency,
      amountDue: row.amountDue,
      currency: row.currency,
    });
    return;
  }
  // Stripe dates the payment on real time; a tenant on a test clock was paid at the clock's.
  const paidAt = await tenantNow(env, row.tenantId, payment.paidAt);
  const paid = await markInvoicePaid(db, row, paidAt, payment.paymentIntentId);
  if (!paid && row.status !== "paid") {
    log("error", "stripe payment received for an invoice that is not open", { ...fields, status: row.status });
  }
}

/** A Stripe invoice paid for ours (it carries our invoice id). */
const stripeInvoicePaid: StripeEventHandler<Extract<Stripe.Event, { type: "invoice.paid" | "invoice.payment_succeeded" }>> = async (event, ctx) => {
  const invoice = event.data.object;
  const invoiceId = invoice.metadata?.invoiceId;
  if (!invoiceId) return;
  await settleInvoice(ctx, {
    invoiceId,
    tenantId: invoice.metadata?.tenantId,
    amount: invoice.amount_paid,
    currency: invoice.currency,
    paidAt: event.created * 1000,
  });
};

/** Payments for our invoices: a success settles the invoice, a failure is recorded on it (`invoice.payment_failed`). */
export const invoiceStripeHandlers: StripeHandlers = {
  "payment_intent.succeeded": async (event, ctx) => {
    const intent = event.data.object;
    const invoiceId = intent.metadata?.invoiceId;
    if (!invoiceId) return;
    await settleInvoice(ctx, {
      invoiceId,
      tenantId: intent.metadata?.tenantId,
      amount: intent.amount_received,
      currency: intent.currency,
      paymentIntentId: intent.id,
      paidAt: event.created * 1000,
    });
  },
  "invoice.paid": stripeInvoicePaid,
  "invoice.payment_succeeded": stripeInvoicePaid,
  "payment_intent.payment_failed": async (event, { db, env }) => {
    const intent = event.data.object;
    const invoiceId = intent.metadata?.invoiceId;
    const invoice = invoiceId ? await findInvoice(db, invoiceId) : undefined;
    if (invoice) {
      const payment = {
        paymentIntentId: intent.id,
        code: intent.last_payment_error?.code ?? null,
        declineCode: intent.last_payment_error?.decline_code ?? null,
      };
      const at = await tenantNow(env, invoice.tenantId, event.created * 1000);
      await db.batch([invoiceEventStatement(db, "invoice.payment_failed", invoice, at, { key: event.id, data: { payment } })]);
    }
    log("warn", "stripe payment failed", {
      eventId: event.id,
      paymentIntentId: intent.id,
      invoiceId: intent.metadata?.invoiceId,
      tenantId: intent.metadata?.tenantId,
      code: intent.last_payment_error?.code,
      declineCode: intent.last_payment_error?.decline_code,
    });
  },
};
