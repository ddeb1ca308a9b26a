import { createRoute, z } from "@hono/zod-openapi";
import { database } from "../db/client";
import { actingTenant, principalOf } from "../http/auth";
import { envelope, ErrorBody, jsonBody, jsonResponses, ok } from "../http/envelope";
import { createRouter, secured } from "../http/router";
import { createCheckoutSession } from "./checkout";
import { stripeClient } from "./client";
import { createInvoicePaymentIntent } from "./payment-intents";
import { createPortalSession } from "./portal";
import { assertAllowedRedirects } from "./redirects";
import { HostedSession, InvoicePayment, StripeCheckoutRequest, StripePortalRequest, WebhookReceipt } from "./schemas";
import { receiveStripeWebhook } from "./webhook";

const tags = ["Stripe"];
const write = secured("billing:update");
const failure = (description: string) => ({ description, content: { "application/json": { schema: ErrorBody } } });
const stripeFailures = {
  402: failure("The card was declined"),
  502: failure("Stripe failed; retry later"),
  503: failure("Stripe is not configured"),
};

/** Seed 001's Stripe routes, mounted under /api/v1/billing. */
export const stripeRoutes = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/stripe/checkout",
      tags,
      summary: "Create checkout session",
      ...write,
      request: jsonBody(StripeCheckoutRequest),
      responses: { ...jsonResponses(envelope(HostedSession)), ...stripeFailures },
    }),
    async (c) => {
      const input = c.req.valid("json");
      assertAllowedRedirects(c.env, { successUrl: input.successUrl, cancelUrl: input.cancelUrl });
      const tenantId = actingTenant(c, input.tenantId);
      return ok(c, await createCheckoutSession(database(c.env.DB), stripeClient(c.env), tenantId, input, Date.now()));
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/stripe/portal",
      tags,
      summary: "Create customer portal session",
      ...write,
      request: jsonBody(StripePortalRequest),
      responses: { ...jsonResponses(envelope(HostedSession)), ...stripeFailures },
    }),
    async (c) => {
      const input = c.req.valid("json");
      assertAllowedRedirects(c.env, { returnUrl: input.returnUrl });
      const tenantId = actingTenant(c, input.tenantId);
      return ok(c, await createPortalSession(database(c.env.DB), stripeClient(c.env), tenantId, input.returnUrl, Date.now()));
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/invoices/{invoiceId}/payment-intent",
      tags,
      summary: "Create payment intent",
      ...write,
      description: "A PaymentIntent for an open invoice's amount due; asking again returns the same intent. Requires scope: billing:update (or admin).",
      request: { params: z.object({ invoiceId: z.string().min(1).max(64) }) },
      responses: { ...jsonResponses(envelope(InvoicePayment)), ...stripeFailures },
    }),
    async (c) =>
      ok(c, await createInvoicePaymentIntent(database(c.env.DB), stripeClient(c.env), c.req.valid("param").invoiceId, principalOf(c), Date.now())),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/stripe/webhook",
      tags,
      summary: "Handle Stripe webhook",
      description:
        "Called by Stripe, authenticated by the `Stripe-Signature` header (no JWT). Each event is processed once; a redelivery answers `duplicate: true`.",
      request: {
        // A plain JSON schema (not zod) on purpose: the body must reach the handler byte for byte to verify its signature.
        body: { required: true, content: { "application/json": { schema: { type: "object", description: "A Stripe Event object" } } } },
      },
      responses: {
        200: { description: "Acknowledged", content: { "application/json": { schema: envelope(WebhookReceipt) } } },
        400: failure("Missing or invalid Stripe-Signature"),
        409: failure("Another delivery of this event is still being processed; Stripe retries"),
        500: failure("A handler failed; Stripe retries the delivery"),
        503: failure("STRIPE_WEBHOOK_SECRET is not set"),
      },
    }),
    async (c) => ok(c, await receiveStripeWebhook(c.env, await c.req.text(), c.req.header("stripe-signature"), Date.now())),
  );
