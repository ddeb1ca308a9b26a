import { z } from "@hono/zod-openapi";
import { PlanId } from "../plans/schemas";
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

export const InvoicePayment = z
  .object({
    clientSecret: z.string().describe("For Stripe.js confirmPayment"),
    paymentIntentId: z.string(),
    amount: z.number().int().describe("Minor units the intent charges: the amount due, to the nearest amount Stripe can charge in the currency"),
    currency: z.string().openapi({ example: "USD" }),
  })
  .openapi("InvoicePaymentIntent");

export const WebhookReceipt = z
  .object({ received: z.literal(true), duplicate: z.literal(true).optional(), ignored: z.literal(true).optional() })
  .openapi("StripeWebhookReceipt");
