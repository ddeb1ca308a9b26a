// The Stripe webhook's handler table. Here and not in src/stripe because the handlers belong
// to the modules that act on payments, all of which build on the Stripe module.
import { findInvoice, invoiceStripeHandlers } from "../invoices";
import { customerStripeHandlers, stripeHandlerTable } from "../stripe";
import { subscriptionStripeHandlers } from "../subscriptions";
import { walletStripeHandlers } from "../wallet";

const subscriptionHandlers = subscriptionStripeHandlers(findInvoice);

/**
 * What the Stripe webhook runs, by event type: each module's handlers, in the order given.
 * Invoice payments and wallet top-ups are told apart by their metadata (`invoiceId`, `topUpId`),
 * so the wallet's place among the others changes nothing; where invoices and subscriptions
 * both act, the order is what they rely on.
 */
export const stripeHandlers = stripeHandlerTable({
  "checkout.session.completed": [customerStripeHandlers],
  "invoice.paid": [invoiceStripeHandlers],
  "invoice.payment_succeeded": [invoiceStripeHandlers],
  // A past_due subscription recovers only once its invoice is paid: settling the invoice comes first.
  "payment_intent.succeeded": [invoiceStripeHandlers, walletStripeHandlers, subscriptionHandlers],
  // The subscription goes past_due (its subscription.updated event) before the invoice's
  // invoice.payment_failed event is written: the order in which endpoints have always heard them.
  "payment_intent.payment_failed": [walletStripeHandlers, subscriptionHandlers, invoiceStripeHandlers],
});
