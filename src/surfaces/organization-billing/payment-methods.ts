import { createRoute, z } from "@hono/zod-openapi";
import { createRouter, described, secured } from "../../http/router";
import { attachPaymentMethod, createSetupIntent, detachPaymentMethod, listPaymentMethods, setDefaultPaymentMethod, stripeClient } from "../../stripe";
import { TenantId } from "../../http/fields";
import { OrganizationErrorBody, organizationErrorResponses } from "./errors";

// Seed 002's payment methods: /organizations/{id}/payment_methods…, where the organization is
// our tenant. Plain JSON with the seed's snake_case fields; errors are {"error": {code, message}}.

const tags = ["Organization payment methods (compatibility API)"];

const PaymentMethodId = z
  .string()
  .regex(/^(pm|card|src)_[A-Za-z0-9_]{1,200}$/, "a Stripe payment method id (pm_…)")
  .openapi({ example: "pm_1PqR2sT3uV4wX5yZ" });

const PaymentMethod = z
  .object({
    id: z.string().describe("Stripe's payment method id"),
    payment_type: z.string().openapi({ example: "card" }),
    default: z.boolean(),
    brand: z.string().nullable(),
    last4: z.string().nullable(),
    exp_month: z.number().int().nullable(),
    exp_year: z.number().int().nullable(),
    iban: z.string().nullable().describe("Masked IBAN (SEPA debit only)"),
  })
  .openapi("OrganizationPaymentMethod");

const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { "application/json": { schema } } });
const errors = {
  ...organizationErrorResponses,
  404: json(OrganizationErrorBody, "No such payment method on this organization"),
  502: json(OrganizationErrorBody, "Stripe failed; retry later"),
  503: json(OrganizationErrorBody, "Stripe is not configured"),
};

const Org = z.object({ tenantId: TenantId.describe("The organization id (our tenant id)") });
const OrgMethod = Org.extend({ payment_method_id: PaymentMethodId });
const AttachBody = z.object({ payment_method_id: PaymentMethodId }).strict().openapi("AttachPaymentMethod");

// `{tenantId}` in the path makes `secured` refuse another organization (403) unless admin.
const read = secured("billing:read", "billing:update");
const write = secured("billing:update");

export const paymentMethodRoutes = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/organizations/{tenantId}/payment_methods",
      tags,
      operationId: "organizationsListPaymentMethods",
      summary: "List payment methods",
      ...described(
        "The Stripe payment methods attached to the organization's Stripe customer: type, whether it is the default, card brand, last four digits and expiry, or a masked IBAN for SEPA debit. Without Stripe configured: 503.",
        read,
      ),
      request: { params: Org },
      responses: { 200: json(z.array(PaymentMethod), "The organization's payment methods"), ...errors },
    }),
    async (c) => c.json(await listPaymentMethods(c.var.db, stripeClient(c.env), c.req.valid("param").tenantId), 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/organizations/{tenantId}/payment_methods/create_and_attach",
      tags,
      operationId: "organizationsAttachPaymentMethod",
      summary: "Attach a Stripe payment method",
      ...described("Attaches a payment method created with Stripe.js (`pm_…`) to the organization; its first one becomes the default.", write),
      request: { params: Org, body: { required: true, content: { "application/json": { schema: AttachBody } } } },
      responses: { 201: json(PaymentMethod, "Attached"), ...errors },
    }),
    async (c) => {
      const { tenantId } = c.req.valid("param");
      const { payment_method_id } = c.req.valid("json");
      return c.json(await attachPaymentMethod(c.var.db, stripeClient(c.env), tenantId, payment_method_id, Date.now()), 201);
    },
  )
  .openapi(
    createRoute({
      method: "put",
      path: "/organizations/{tenantId}/payment_methods/{payment_method_id}/set_default",
      tags,
      operationId: "organizationsSetDefaultPaymentMethod",
      summary: "Set default payment method",
      ...described("Makes one of the organization's payment methods its default (`default: true`); one not attached to it is 404.", write),
      request: { params: OrgMethod },
      responses: { 200: json(PaymentMethod, "Now the default"), ...errors },
    }),
    async (c) => {
      const { tenantId, payment_method_id } = c.req.valid("param");
      return c.json(await setDefaultPaymentMethod(c.var.db, stripeClient(c.env), tenantId, payment_method_id), 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/organizations/{tenantId}/payment_methods/{payment_method_id}",
      tags,
      operationId: "organizationsDeletePaymentMethod",
      summary: "Remove a payment method",
      ...described("Detaches the payment method from the organization's Stripe customer; one not attached to it is 404.", write),
      request: { params: OrgMethod },
      responses: { 200: json(z.object({ id: z.string(), deleted: z.literal(true) }), "Detached from the organization"), ...errors },
    }),
    async (c) => {
      const { tenantId, payment_method_id } = c.req.valid("param");
      return c.json(await detachPaymentMethod(c.var.db, stripeClient(c.env), tenantId, payment_method_id), 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/organizations/{tenantId}/payment_methods/payment_intent",
      tags,
      operationId: "organizationsCreateSetupIntent",
      summary: "Create a setup intent (for Stripe.js confirmSetup)",
      ...described("A Stripe SetupIntent for off-session use; pass its `client_secret` to Stripe.js `confirmSetup` to collect a new payment method.", write),
      request: { params: Org },
      responses: { 200: json(z.object({ client_secret: z.string() }).openapi("SetupIntentSecret"), "The SetupIntent's client secret"), ...errors },
    }),
    async (c) => c.json(await createSetupIntent(c.var.db, stripeClient(c.env), c.req.valid("param").tenantId, Date.now()), 200),
  );
