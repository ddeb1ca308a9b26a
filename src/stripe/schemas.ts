import { z } from "@hono/zod-openapi";
import { PlanId } from "../plans/schemas";
import { ErrorBody } from "../http/envelope";
import { TenantId } from "../http/fields";

/** An absolute http(s) URL Stripe sends the browser to (Stripe's `{CHECKOUT_SESSION_ID}` template is allowed). */
export const RedirectUrl = z
  .url({ protocol: /^https?$/, error: "an absolute http(s) URL" })
  .max(2048)
  .openapi({ example: "https://app.example.com/billing/success" });

/** A Stripe price id (`price_…`; legacy plan ids are free-form). */
export const StripePriceId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,255}$/, "a Stripe price id")
  .openapi({ example: "price_1PqR2sT3uV4wX5yZ" });

export const StripeCheckoutRequest = z
  .object({
    tenantId: TenantId.optional().describe("Admins only: the tenant to act for (defaults to the token's tenant)"),
    planId: PlanId.optional().describe("One of our plans; the price comes from the plan"),
    priceId: StripePriceId.optional().describe("Or an existing Stripe price"),
    successUrl: RedirectUrl,
    cancelUrl: RedirectUrl,
  })
  .strict()
  .refine((b) => (b.planId === undefined) !== (b.priceId === undefined), {
    message: "give exactly one of planId or priceId",
    path: ["planId"],
  })
  .openapi("StripeCheckoutRequest");

export const StripePortalRequest = z
  .object({
    tenantId: TenantId.optional().describe("Admins only: the tenant to act for (defaults to the token's tenant)"),
    returnUrl: RedirectUrl,
  })
  .strict()
  .openapi("StripePortalRequest");

export const HostedSession = z
  .object({ sessionId: z.string(), url: z.string().openapi({ example: "https://checkout.stripe.com/c/pay/cs_test_a1b2" }) })
  .openapi("StripeHostedSession");

export const WebhookReceipt = z
  .object({ received: z.literal(true), duplicate: z.literal(true).optional(), ignored: z.literal(true).optional() })
  .openapi("StripeWebhookReceipt");

const failure = (description: string) => ({ description, content: { "application/json": { schema: ErrorBody } } });

/** The answers of a route that calls Stripe, besides its own. */
export const stripeFailures = {
  402: failure("The card was declined"),
  502: failure("Stripe failed; retry later"),
  503: failure("Stripe is not configured"),
};
