import { createRoute, z } from "@hono/zod-openapi";
import { database } from "../db/client";
import { principalOf } from "../http/auth";
import { PageQuery } from "../http/pagination";
import { secured } from "../http/router";
import { listInvoices } from "../invoices/store";
import { seed003Errors } from "./errors";
import { compatRouter } from "./router";

const tags = ["Seed 003: app billing"];
const read = secured("billing:read", "billing:update");

const Seed003Invoice = z
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
  .openapi("Seed003Invoice");

/** Seed 003: the caller's own tenant, in the app-facing shapes of that document. */
export const seed003Routes = compatRouter(seed003Errors).openapi(
  createRoute({
    method: "get",
    path: "/billing/invoices",
    tags,
    summary: "List invoices of the caller's tenant",
    ...read,
    request: { query: PageQuery },
    responses: { 200: { description: "Invoices", content: { "application/json": { schema: z.object({ invoices: z.array(Seed003Invoice) }) } } } },
  }),
  async (c) => {
    const { limit, cursor } = c.req.valid("query");
    const page = await listInvoices(database(c.env.DB), principalOf(c).tenant, { limit, cursor });
    const origin = new URL(c.req.url).origin;
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
