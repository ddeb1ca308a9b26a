// The subscriptions module's public face: what code outside the module (the seed surfaces
// first) calls. Its tables, queries and roll-over stay behind it.
export { cancelSubscription, getLiveSubscription, getSubscription, listSubscriptions, liveSubscriptionPeriod, type Caller } from "./service";
export { subscriptionLinks, tenantSubscriptionLinks, type SubscriptionLink } from "./queries";
export type { Subscription } from "./schemas";
export { subscriptionStripeHandlers } from "./stripe-events";
