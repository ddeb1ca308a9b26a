import type { Surface } from "../surface";
import { organizationErrors } from "./errors";
import { invoiceRoutes } from "./invoices";
import { paymentMethodRoutes } from "./payment-methods";
import { subscriptionRoutes } from "./subscriptions";

// Organisation billing (seed 002): a platform's organisations, whose projects run products
// under subscriptions; hourly usage by project and product, internal and legally binding
// (EasyBill) invoices, Stripe payment methods. The organisation is our tenant.

export { OrganizationErrorBody } from "./errors";
export { organisationUsageFor } from "./usage";

const PATHS = /^\/(organizations|subscriptions|invoices)(\/|$)/;

export const organizationBilling: Surface = {
  routes: [invoiceRoutes, subscriptionRoutes, paymentMethodRoutes],
  // GET /billing/usage is the organisation's usage when it names one (the seeds' README).
  owns: (c) => PATHS.test(c.req.path) || (c.req.path === "/billing/usage" && Boolean(c.req.query("organization_id"))),
  errors: organizationErrors,
};
