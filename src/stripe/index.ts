// The Stripe module's public face: what code outside the module (the seed surfaces first)
// calls. The client's retries, amounts, customers and the event table stay behind it.
export { stripeClient } from "./client";
export { createCheckoutSession } from "./checkout";
export { createPortalSession } from "./portal";
export { assertAllowedRedirects } from "./redirects";
export { receiveStripeWebhook } from "./webhook";
export { attachPaymentMethod, createSetupIntent, detachPaymentMethod, listPaymentMethods, setDefaultPaymentMethod } from "./payment-methods";
export { RedirectUrl, StripePriceId, WebhookReceipt } from "./schemas";
export { chargeOffSession } from "./off-session";
