import { createRoute, z } from "@hono/zod-openapi";
import { principalOf } from "../../http/auth";
import { createRouter, described, secured } from "../../http/router";
import { PlanId } from "../../plans";
import {
  assertAllowedRedirects,
  createCheckoutSession,
  createPortalSession,
  receiveStripeWebhook,
  RedirectUrl,
  stripeClient,
  StripePriceId,
  type StripeHandlerTable,
  WebhookReceipt,
} from "../../stripe";
import { AppErrorBody, appErrorResponses } from "./errors";

// Seed 003's Stripe routes: /billing/checkout, /billing/portal, /billing/webhook. They act on the
// caller's own tenant and answer in the seed's shapes ({url}); errors are {error, message, code}.

const tags = ["App billing (compatibility API)"];

const CheckoutBody = z
  .object({
    priceId: StripePriceId.optional().describe("A Stripe price"),
    planId: PlanId.optional().describe("Or one of our plans (e.g. `pro`), priced from the plan"),
    successUrl: RedirectUrl,
    cancelUrl: RedirectUrl,
  })
  .strict()
  .refine((b) => (b.planId === undefined) !== (b.priceId === undefined), { message: "give exactly one of priceId or planId", path: ["priceId"] })
  .openapi("BillingCheckoutRequest");
const PortalBody = z.object({ returnUrl: RedirectUrl }).strict().openapi("BillingPortalRequest");
const UrlResponse = z.object({ url: z.string() }).openapi("BillingRedirect");

const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { "application/json": { schema } } });
const errors = {
  ...appErrorResponses,
  502: json(AppErrorBody, "Stripe failed; retry later"),
  503: json(AppErrorBody, "Stripe is not configured"),
};
const body = <T extends z.ZodType>(schema: T) => ({ body: { required: true, content: { "application/json": { schema } } } });
const write = secured("billing:update");

export const stripeRoutes = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/billing/checkout",
      tags,
      operationId: "billingCreateCheckoutSession",
      summary: "Create checkout session",
      ...described(
        "A Stripe Checkout Session for the caller's own tenant, priced by a Stripe `priceId` or by one of our plans (`planId`); answers `{url}` to redirect the browser to. `successUrl` and `cancelUrl` must point at an allowed host.",
        write,
      ),
      request: body(CheckoutBody),
      responses: { 200: json(UrlResponse, "Redirect the browser to url"), ...errors },
    }),
    async (c) => {
      const input = c.req.valid("json");
      assertAllowedRedirects(c.env, { successUrl: input.successUrl, cancelUrl: input.cancelUrl });
      const session = await createCheckoutSession(c.var.db, stripeClient(c.env), principalOf(c).tenant, input, Date.now());
      return c.json({ url: session.url }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/billing/portal",
      tags,
      operationId: "billingCreatePortalSession",
      summary: "Portal session",
      ...described("A Stripe customer portal session for the caller's own tenant; answers `{url}`. `returnUrl` must point at an allowed host.", write),
      request: body(PortalBody),
      responses: { 200: json(UrlResponse, "Redirect the browser to url"), ...errors },
    }),
    async (c) => {
      const { returnUrl } = c.req.valid("json");
      assertAllowedRedirects(c.env, { returnUrl });
      const session = await createPortalSession(c.var.db, stripeClient(c.env), principalOf(c).tenant, returnUrl, Date.now());
      return c.json({ url: session.url }, 200);
    },
  );

/** Seed 003's /billing/webhook: the same handling (and record of events) as /api/v1/billing/stripe/webhook. */
export const stripeWebhookRoutes = (handlers: StripeHandlerTable) =>
  createRouter().openapi(
    createRoute({
      method: "post",
      path: "/billing/webhook",
      tags,
      operationId: "billingReceiveStripeWebhook",
      summary: "Stripe webhook endpoint",
      description:
        "Called by Stripe, authenticated by the `Stripe-Signature` header (no JWT); the same handler as `POST /api/v1/billing/stripe/webhook`, answering `{received, duplicate?, ignored?}` without the envelope.",
      security: [],
      request: {
        // A plain JSON schema (not zod) on purpose: the body must reach the handler byte for byte to verify its signature.
        body: { required: true, content: { "application/json": { schema: { type: "object", description: "A Stripe Event object" } } } },
      },
      responses: {
        200: json(WebhookReceipt, "Acknowledged"),
        400: json(AppErrorBody, "Missing or invalid signature"),
        409: json(AppErrorBody, "Another delivery of this event is still being processed; Stripe retries"),
        413: appErrorResponses[413],
        415: appErrorResponses[415],
        500: json(AppErrorBody, "A handler failed; Stripe retries the delivery"),
        503: json(AppErrorBody, "STRIPE_WEBHOOK_SECRET is not set"),
      },
    }),
    async (c) => c.json(await receiveStripeWebhook(c.env, handlers, await c.req.text(), c.req.header("stripe-signature"), Date.now()), 200),
  );
