import { createRoute, z } from "@hono/zod-openapi";
import { principalOf } from "../http/auth";
import { envelope, jsonResponses, ok } from "../http/envelope";
import { createRouter, described, secured } from "../http/router";
import { stripeClient, stripeFailures } from "../stripe";
import { createInvoicePaymentIntent } from "./payment-intent";

const InvoicePayment = z
  .object({
    clientSecret: z.string().describe("For Stripe.js confirmPayment"),
    paymentIntentId: z.string(),
    amount: z.number().int().describe("Minor units the intent charges: the amount due, to the nearest amount Stripe can charge in the currency"),
    currency: z.string().openapi({ example: "USD" }),
  })
  .openapi("InvoicePaymentIntent");

/**
 * Paying an invoice through Stripe, mounted under /api/v1/billing next to the Stripe routes
 * (and documented with them): the invoice is this module's, Stripe only the rail.
 */
export const invoicePaymentRoutes = createRouter().openapi(
  createRoute({
    method: "post",
    path: "/invoices/{invoiceId}/payment-intent",
    tags: ["Stripe"],
    operationId: "createInvoicePaymentIntent",
    summary: "Create payment intent",
    ...described(
      "A Stripe PaymentIntent for an open invoice's amount due, to confirm with Stripe.js; the answer's amount is what the intent charges, in our minor units. Asking again returns the same intent (a new one only after Stripe canceled the old). An invoice that is not open or owes nothing is 409 `INVALID_STATE`; another tenant's is 404.",
      secured("billing:update"),
    ),
    request: { params: z.object({ invoiceId: z.string().min(1).max(64) }) },
    responses: { ...jsonResponses(envelope(InvoicePayment)), ...stripeFailures },
  }),
  async (c) => ok(c, await createInvoicePaymentIntent(c.var.db, stripeClient(c.env), c.req.valid("param").invoiceId, principalOf(c), Date.now())),
);
