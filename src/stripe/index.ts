// The Stripe module's public face: the payment rails other modules (the seed surfaces, invoices,
// wallet) build on. It knows no module above it: what an event means to invoices, subscriptions
// or the wallet is theirs to say, in a StripeHandlers table; src/wiring puts the tables together.
export { stripeClient, upstream, type Stripe } from "./client";
export { coversAmountDue, fromStripeAmount, stripeCurrency, toStripeAmount } from "./amounts";
export { customerStripeHandlers, ensureCustomer } from "./customers";
export { createCheckoutSession } from "./checkout";
export { createPortalSession } from "./portal";
export { assertAllowedRedirects } from "./redirects";
export { receiveStripeWebhook } from "./webhook";
export { stripeHandlerTable, type StripeEventContext, type StripeEventHandler, type StripeHandlers, type StripeHandlerTable } from "./events";
export { attachPaymentMethod, createSetupIntent, detachPaymentMethod, listPaymentMethods, setDefaultPaymentMethod } from "./payment-methods";
export { RedirectUrl, StripePriceId, stripeFailures, WebhookReceipt } from "./schemas";
export { chargeOffSession } from "./off-session";
