import { createRoute, z } from "@hono/zod-openapi";
import { principalOf } from "../../http/auth";
import { PageQuery } from "../../http/pagination";
import { publicBase } from "../../http/public-url";
import { createRouter, described, secured } from "../../http/router";
import { listInvoices } from "../../invoices";
import { appErrorResponses } from "./errors";

const AppInvoice = z
  .object({
    id: z.string(),
    number: z.string().nullable(),
    amount: z.number().int().describe("Total in minor units"),
    currency: z.string().describe("Lowercase ISO code, as Stripe writes it"),
    status: z.string(),
    periodStart: z.string(),
    periodEnd: z.string(),
    paidAt: z.string().nullable(),
    pdfUrl: z.string().nullable(),
  })
  .openapi("AppBillingInvoice");

/** Seed 003's invoice list: the caller's own tenant's, with absolute PDF links. */
export const invoiceRoutes = createRouter().openapi(
  createRoute({
    method: "get",
    path: "/billing/invoices",
    tags: ["App billing (compatibility API)"],
    operationId: "billingListInvoices",
    summary: "List invoices of the caller's tenant",
    ...described(
      "The token's tenant's invoices, newest period first: total in minor units, lower-case currency (as Stripe writes it), status, period, when paid, and an absolute `pdfUrl` once finalized. Paginated with `limit` and `cursor`.",
      secured("billing:read", "billing:update"),
    ),
    request: { query: PageQuery },
    responses: {
      200: { description: "Invoices", content: { "application/json": { schema: z.object({ invoices: z.array(AppInvoice) }) } } },
      ...appErrorResponses,
    },
  }),
  async (c) => {
    const { limit, cursor } = c.req.valid("query");
    const page = await listInvoices(c.var.db, principalOf(c).tenant, { limit, cursor });
    const origin = publicBase(c.env);
    return c.json(
      {
        invoices: page.items.map((i) => ({
          id: i.id,
          number: i.number,
          amount: i.total.amount,
          currency: i.currency.toLowerCase(),
          status: i.status,
          periodStart: i.periodStart,
          periodEnd: i.periodEnd,
          paidAt: i.paidAt,
          pdfUrl: i.pdfUrl && `${origin}${i.pdfUrl}`,
        })),
      },
      200,
    );
  },
);
