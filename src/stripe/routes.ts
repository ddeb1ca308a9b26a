import { createRoute } from "@hono/zod-openapi";
import { actingTenant } from "../http/auth";
import { envelope, ErrorBody, errorResponses, jsonBody, jsonResponses, ok } from "../http/envelope";
import { createRouter, described, secured } from "../http/router";
import { createCheckoutSession } from "./checkout";
import { stripeClient } from "./client";
import type { StripeHandlerTable } from "./events";
import { createPortalSession } from "./portal";
import { assertAllowedRedirects } from "./redirects";
import { HostedSession, StripeCheckoutRequest, StripePortalRequest, stripeFailures, WebhookReceipt } from "./schemas";
import { receiveStripeWebhook } from "./webhook";

const tags = ["Stripe"];
const write = secured("billing:update");
const failure = (description: string) => ({ description, content: { "application/json": { schema: ErrorBody } } });

/** Seed 001's Stripe routes, mounted under /api/v1/billing. */
export const stripeRoutes = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/stripe/checkout",
      tags,
      operationId: "createCheckoutSession",
      summary: "Create checkout session",
      ...described(
        "A Stripe Checkout Session for a subscription: `planId` prices the line item from our plan (base price per interval, the plan's trial days), `priceId` uses a Stripe price. Redirect the browser to `url`. `successUrl` and `cancelUrl` must point at an allowed host; `tenantId` is for admins acting for a tenant. When Stripe reports the session completed, the tenant is linked to its Stripe customer.",
        write,
      ),
      request: jsonBody(StripeCheckoutRequest),
      responses: { ...jsonResponses(envelope(HostedSession)), ...stripeFailures },
    }),
    async (c) => {
      const input = c.req.valid("json");
      assertAllowedRedirects(c.env, { successUrl: input.successUrl, cancelUrl: input.cancelUrl });
      const tenantId = actingTenant(c, input.tenantId);
      return ok(c, await createCheckoutSession(c.var.db, stripeClient(c.env), tenantId, input, Date.now()));
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/stripe/portal",
      tags,
      operationId: "createPortalSession",
      summary: "Create customer portal session",
      ...described(
        "A Stripe customer portal session for the tenant's Stripe customer, where it manages cards and sees Stripe's receipts; redirect the browser to `url`. `returnUrl` must point at an allowed host.",
        write,
      ),
      request: jsonBody(StripePortalRequest),
      responses: { ...jsonResponses(envelope(HostedSession)), ...stripeFailures },
    }),
    async (c) => {
      const input = c.req.valid("json");
      assertAllowedRedirects(c.env, { returnUrl: input.returnUrl });
      const tenantId = actingTenant(c, input.tenantId);
      return ok(c, await createPortalSession(c.var.db, stripeClient(c.env), tenantId, input.returnUrl, Date.now()));
    },
  );

/** Seed 001's Stripe webhook, mounted under /api/v1/billing, running `handlers`. */
export const stripeWebhookRoutes = (handlers: StripeHandlerTable) =>
  createRouter().openapi(
    createRoute({
      method: "post",
      path: "/stripe/webhook",
      tags,
      operationId: "receiveStripeWebhook",
      summary: "Handle Stripe webhook",
      description:
        "Called by Stripe, authenticated by the `Stripe-Signature` header (no JWT): the raw body is verified against `STRIPE_WEBHOOK_SECRET`. Each event is processed once: succeeded and failed payments settle invoices and drive dunning, a completed checkout links the tenant to its Stripe customer. A redelivery answers `duplicate: true`, a type without a handler `ignored: true`, a failing handler 500 so that Stripe retries.",
      security: [],
      request: {
        // A plain JSON schema (not zod) on purpose: the body must reach the handler byte for byte to verify its signature.
        body: { required: true, content: { "application/json": { schema: { type: "object", description: "A Stripe Event object" } } } },
      },
      responses: {
        200: { description: "Acknowledged", content: { "application/json": { schema: envelope(WebhookReceipt) } } },
        400: failure("Missing or invalid Stripe-Signature"),
        409: failure("Another delivery of this event is still being processed; Stripe retries"),
        413: errorResponses[413],
        415: errorResponses[415],
        500: failure("A handler failed; Stripe retries the delivery"),
        503: failure("STRIPE_WEBHOOK_SECRET is not set"),
      },
    }),
    async (c) => ok(c, await receiveStripeWebhook(c.env, handlers, await c.req.text(), c.req.header("stripe-signature"), Date.now())),
  );
