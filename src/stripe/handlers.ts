import { tenantNow } from "../clock";
import { log } from "../http/logger";
import { markInvoicePaid } from "../invoices/lifecycle";
import { invoiceEventStatement } from "../invoices/events";
import { findInvoice } from "../invoices";
import { findSubscription } from "../subscriptions/queries";
import { markPastDue, recoverFromPastDue } from "../subscriptions/service";
import { completeTopUp, failTopUp, topUpOf } from "../wallet";
import { coversAmountDue, stripeCurrency } from "./amounts";
import { linkCustomer } from "./customers";
import { onStripeEvent, type StripeEventContext } from "./events";

// The handlers this module ships with. Other modules add theirs with onStripeEvent().

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

onStripeEvent("payment_intent.succeeded", async (event, ctx) => {
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
});

for (const type of ["invoice.paid", "invoice.payment_succeeded"] as const) {
  onStripeEvent(type, async (event, ctx) => {
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
  });
}

// Automatic wallet top-ups (src/wallet/top-up.ts): the credit is granted only once Stripe says it was paid.
onStripeEvent("payment_intent.succeeded", async (event, { db, env }) => {
  const intent = event.data.object;
  const topUp = topUpOf(intent.metadata);
  const tenantId = intent.metadata?.tenantId;
  if (!topUp || !tenantId) return;
  if (intent.currency !== stripeCurrency(topUp.currency) || !coversAmountDue(intent.amount_received, topUp.amount, topUp.currency)) {
    log("error", "stripe top-up payment does not cover the top-up", {
      tenantId,
      topUpId: topUp.topUpId,
      received: intent.amount_received,
      currency: intent.currency,
    });
    return;
  }
  await completeTopUp(env, db, tenantId, topUp, await tenantNow(env, tenantId, event.created * 1000));
});

onStripeEvent("payment_intent.payment_failed", async (event, { db, env }) => {
  const intent = event.data.object;
  const topUp = topUpOf(intent.metadata);
  const tenantId = intent.metadata?.tenantId;
  if (!topUp || !tenantId) return;
  const failure = intent.last_payment_error?.message ?? intent.last_payment_error?.code ?? "The payment failed";
  await failTopUp(env, db, tenantId, topUp, failure, await tenantNow(env, tenantId, event.created * 1000));
});

onStripeEvent("checkout.session.completed", async (event, ctx) => {
  const session = event.data.object;
  const tenantId = session.client_reference_id ?? session.metadata?.tenantId;
  const customer = typeof session.customer === "string" ? session.customer : session.customer?.id;
  if (tenantId && customer) await linkCustomer(ctx.db, tenantId, customer, ctx.now);
});

/**
 * Dunning: a failed payment for an invoice puts its (active) subscription past_due; the
 * successful payment that settles it makes the subscription active again. Both only act on
 * the state they expect, so replays and out-of-order events change nothing.
 */
async function invoiceSubscription(ctx: StripeEventContext, invoiceId: string | undefined) {
  if (!invoiceId) return undefined;
  const row = await findInvoice(ctx.db, invoiceId);
  const sub = row?.subscriptionId ? await findSubscription(ctx.db, row.subscriptionId) : undefined;
  return sub && { sub, invoiceStatus: row!.status };
}

onStripeEvent("payment_intent.payment_failed", async (event, ctx) => {
  const found = await invoiceSubscription(ctx, event.data.object.metadata?.invoiceId);
  if (found?.sub.status === "active" && found.invoiceStatus === "open")
    await markPastDue(ctx.db, ctx.env, found.sub.id, await tenantNow(ctx.env, found.sub.tenantId, ctx.now));
});

onStripeEvent("payment_intent.succeeded", async (event, ctx) => {
  const found = await invoiceSubscription(ctx, event.data.object.metadata?.invoiceId);
  if (found?.sub.status === "past_due" && found.invoiceStatus === "paid")
    await recoverFromPastDue(ctx.db, ctx.env, found.sub.id, await tenantNow(ctx.env, found.sub.tenantId, ctx.now));
});

onStripeEvent("payment_intent.payment_failed", async (event, { db, env }) => {
  const intent = event.data.object;
  const invoiceId = intent.metadata?.invoiceId;
  const invoice = invoiceId ? await findInvoice(db, invoiceId) : undefined;
  if (invoice) {
    const payment = { paymentIntentId: intent.id, code: intent.last_payment_error?.code ?? null, declineCode: intent.last_payment_error?.decline_code ?? null };
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
});
