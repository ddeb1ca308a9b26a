import { createRoute, z } from "@hono/zod-openapi";
import { database } from "../db/client";
import { principalOf } from "../http/auth";
import { envelope, errorResponses, jsonResponses, ok, okPage, okWith, pageEnvelope } from "../http/envelope";
import { PageQuery } from "../http/pagination";
import { createRouter, secured } from "../http/router";
import { TenantId } from "../tenants/schemas";
import { finalizeInvoice, invoicePdf, voidInvoice } from "./lifecycle";
import { generateInvoice } from "./generate";
import { draftView, estimateInvoice, previewInvoice } from "./preview";
import { GenerateInvoice, Invoice, InvoiceEstimate, InvoicePreview, ListInvoicesQuery, PreviewQuery } from "./schemas";
import { invoiceTenant, listInvoices, loadInvoice, toInvoice } from "./store";
import type { Context } from "hono";
import type { AppEnv } from "../env";
import { pdfDownload } from "./download";
import { csvResponse, csvResponses } from "../http/csv";
import { INVOICE_CSV_COLUMNS, invoiceCsvRows } from "./export";
import { clockNow } from "../clock";

const tags = ["Invoices"];
const IdParams = z.object({ invoiceId: z.string().min(1).max(64) });
const TenantParams = z.object({ tenantId: TenantId });
const read = secured("billing:read", "billing:update");
const periodWindow = (q: { from?: string; to?: string }) => ({
  from: q.from ? Date.parse(q.from) : undefined,
  to: q.to ? Date.parse(q.to) : undefined,
});

/** The time of the tenant whose invoice the route names (src/clock). */
const invoiceNow = (c: Context<AppEnv>) => clockNow(c, () => invoiceTenant(database(c.env.DB), c.req.param("invoiceId")!));

export const invoicesRoutes = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/tenants/{tenantId}/billing/preview",
      tags: ["Billing"],
      summary: "Preview current period billing",
      ...read,
      request: { params: TenantParams, query: PreviewQuery },
      responses: jsonResponses(envelope(InvoicePreview)),
    }),
    async (c) => {
      const { at } = c.req.valid("query");
      const draft = await previewInvoice(c.env, database(c.env.DB), c.req.valid("param").tenantId, at ? Date.parse(at) : undefined, await clockNow(c));
      return ok(c, draftView(draft));
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/tenants/{tenantId}/billing/estimate",
      tags: ["Billing"],
      summary: "Get monthly cost estimate",
      ...read,
      request: { params: TenantParams },
      responses: jsonResponses(envelope(InvoiceEstimate)),
    }),
    async (c) => ok(c, await estimateInvoice(c.env, database(c.env.DB), c.req.valid("param").tenantId, await clockNow(c))),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/tenants/{tenantId}/invoices",
      tags,
      summary: "Generate invoice",
      ...secured("billing:update"),
      description: "Drafts the invoice of a subscription period (default: the last ended one). Generating again returns the same invoice (200). Requires billing:update.",
      request: { params: TenantParams, body: { required: false, content: { "application/json": { schema: GenerateInvoice } } } },
      responses: { ...jsonResponses(envelope(Invoice), "Created", 201), 200: { description: "Already generated", content: { "application/json": { schema: envelope(Invoice) } } } },
    }),
    async (c) => {
      const db = database(c.env.DB);
      const input = c.req.valid("json") ?? {};
      const { id, created } = await generateInvoice(c.env, db, principalOf(c), c.req.valid("param").tenantId, {
        subscriptionId: input.subscriptionId,
        periodStart: input.periodStart ? Date.parse(input.periodStart) : undefined,
      }, await clockNow(c));
      const invoice = toInvoice(await loadInvoice(db, id, principalOf(c)));
      return created ? okWith(c, invoice, 201) : ok(c, invoice);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/tenants/{tenantId}/invoices",
      tags,
      summary: "List tenant invoices",
      ...read,
      request: { params: TenantParams, query: ListInvoicesQuery.extend(PageQuery.shape) },
      responses: jsonResponses(pageEnvelope(Invoice)),
    }),
    async (c) => {
      const q = c.req.valid("query");
      const page = await listInvoices(database(c.env.DB), c.req.valid("param").tenantId, { ...q, ...periodWindow(q) });
      return okPage(c, page.items, page.nextCursor, q.limit);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/tenants/{tenantId}/invoices.csv",
      tags,
      summary: "Export tenant invoices as CSV (the list's filters, every page, amounts in minor units)",
      ...read,
      request: { params: TenantParams, query: ListInvoicesQuery },
      responses: csvResponses("Invoices, newest period first"),
    }),
    async (c) => {
      const { tenantId } = c.req.valid("param");
      const q = c.req.valid("query");
      const rows = await invoiceCsvRows(database(c.env.DB), tenantId, { status: q.status, ...periodWindow(q) });
      return csvResponse(`invoices-${tenantId}.csv`, INVOICE_CSV_COLUMNS, rows);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/invoices/{invoiceId}",
      tags,
      summary: "Get invoice",
      ...read,
      request: { params: IdParams },
      responses: jsonResponses(envelope(Invoice)),
    }),
    async (c) => ok(c, toInvoice(await loadInvoice(database(c.env.DB), c.req.valid("param").invoiceId, principalOf(c)))),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/invoices/{invoiceId}/finalize",
      tags,
      summary: "Finalize invoice",
      ...secured("billing:update"),
      request: { params: IdParams },
      responses: jsonResponses(envelope(Invoice)),
    }),
    async (c) => ok(c, await finalizeInvoice(c.env, c.req.valid("param").invoiceId, principalOf(c), await invoiceNow(c))),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/invoices/{invoiceId}/void",
      tags,
      summary: "Void invoice",
      ...secured("billing:update"),
      request: { params: IdParams },
      responses: jsonResponses(envelope(Invoice)),
    }),
    async (c) => ok(c, await voidInvoice(c.env, c.req.valid("param").invoiceId, principalOf(c), await invoiceNow(c))),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/invoices/{invoiceId}/pdf",
      tags,
      summary: "Download invoice PDF",
      ...read,
      request: { params: IdParams },
      responses: {
        ...errorResponses,
        200: { description: "The invoice PDF", content: { "application/pdf": { schema: z.string().openapi({ format: "binary" }) } } },
      },
    }),
    async (c) => pdfDownload(await invoicePdf(c.env, c.req.valid("param").invoiceId, principalOf(c))),
  );
