import type { Surface } from "../surface";
import { appBillingErrors } from "./errors";
import { invoiceRoutes } from "./invoices";
import { stripeRoutes } from "./stripe";
import { subscriptionRoutes } from "./subscription";
import { usageRoutes } from "./usage";

// App billing (seed 003): a SaaS app's own billing under /billing/, always for the caller's
// tenant: its subscription, usage against the plan's limits (402 over a hard one), invoices,
// Stripe checkout, portal and webhook.

export { AppErrorBody } from "./errors";
export { currentUsageAgainstLimits } from "./usage";
export { stripeWebhookRoutes as appBillingWebhookRoutes } from "./stripe";

/** Its webhook is mounted apart (appBillingWebhookRoutes): it runs the Stripe handler table the app passes in. */
export const appBilling: Surface = {
  routes: [subscriptionRoutes, usageRoutes, invoiceRoutes, stripeRoutes],
  owns: (c) => c.req.path.startsWith("/billing/"),
  errors: appBillingErrors,
};
