import { createRoute, z } from "@hono/zod-openapi";
import { principalOf } from "../http/auth";
import { envelope, errorResponses, jsonResponses, ok, okExample, okPage, okWith, pageEnvelope, pageExample } from "../http/envelope";
import { PageQuery } from "../http/pagination";
import { createRouter, described, secured } from "../http/router";
import { BILLING_PREVIEW, INVOICE } from "./examples";
import { TenantId } from "../http/fields";
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
const invoiceNow = (c: Context<AppEnv>) => clockNow(c, () => invoiceTenant(c.var.db, c.req.param("invoiceId")!));

export const invoicesRoutes = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/tenants/{tenantId}/billing/preview",
      tags: ["Billing preview"],
      operationId: "previewBilling",
      summary: "Preview current period billing",
      ...described(
        "The invoice the tenant-wide subscription's current period would get if it closed now: every line (base fee per plan version, usage per meter, prorations), discounts, tax, credits and amount due, by the same rules and to the cent as the invoice itself. `at` previews as of another instant up to the period end, or in an ended period not yet finalized; usage counts up to that instant exactly.",
        read,
      ),
      request: { params: TenantParams, query: PreviewQuery },
      responses: jsonResponses(envelope(InvoicePreview), "OK", 200, okExample(BILLING_PREVIEW)),
    }),
    async (c) => {
      const { at } = c.req.valid("query");
      const draft = await previewInvoice(c.env, c.var.db, c.req.valid("param").tenantId, at ? Date.parse(at) : undefined, await clockNow(c));
      return ok(c, draftView(draft));
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/tenants/{tenantId}/billing/estimate",
      tags: ["Billing preview"],
      operationId: "estimateBilling",
      summary: "Get monthly cost estimate",
      ...described(
        "The current period's figures so far (`current`) and projected to the period end (`projected`): additive usage (sum, count) is extrapolated linearly once a tenth of the period has passed, gauges (max, latest, unique_count) stay as they are, and a scheduled resume counts its fee from then on.",
        read,
      ),
      request: { params: TenantParams },
      responses: jsonResponses(envelope(InvoiceEstimate)),
    }),
    async (c) => ok(c, await estimateInvoice(c.env, c.var.db, c.req.valid("param").tenantId, await clockNow(c))),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/tenants/{tenantId}/invoices",
      tags,
      operationId: "generateInvoice",
      summary: "Generate invoice",
      ...described(
        "Drafts the invoice of an ended subscription period: by default the tenant's active subscription and its last ended period (`subscriptionId` for a project's subscription, `periodStart` for an earlier one). Generating again for the same period returns the same invoice with 200 instead of 201; a subscription with no ended period yet is 409. The daily period close does the same on its own.",
        secured("billing:update"),
      ),
      request: { params: TenantParams, body: { required: false, content: { "application/json": { schema: GenerateInvoice } } } },
      responses: {
        ...jsonResponses(envelope(Invoice), "Created", 201),
        200: { description: "Already generated", content: { "application/json": { schema: envelope(Invoice) } } },
      },
    }),
    async (c) => {
      const db = c.var.db;
      const input = c.req.valid("json") ?? {};
      const { id, created } = await generateInvoice(
        c.env,
        db,
        principalOf(c),
        c.req.valid("param").tenantId,
        {
          subscriptionId: input.subscriptionId,
          periodStart: input.periodStart ? Date.parse(input.periodStart) : undefined,
        },
        await clockNow(c),
      );
      const invoice = toInvoice(await loadInvoice(db, id, principalOf(c)));
      return created ? okWith(c, invoice, 201) : ok(c, invoice);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/tenants/{tenantId}/invoices",
      tags,
      operationId: "listInvoices",
      summary: "List tenant invoices",
      ...described(
        "The tenant's invoices, newest period first, with their lines and totals; filter by `status` and by period start (`from` inclusive, `to` exclusive). Paginated with `limit` and `cursor`.",
        read,
      ),
      request: { params: TenantParams, query: ListInvoicesQuery.extend(PageQuery.shape) },
      responses: jsonResponses(pageEnvelope(Invoice), "OK", 200, pageExample([INVOICE])),
    }),
    async (c) => {
      const q = c.req.valid("query");
      const page = await listInvoices(c.var.db, c.req.valid("param").tenantId, { ...q, ...periodWindow(q) });
      return okPage(c, page.items, page.nextCursor, q.limit);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/tenants/{tenantId}/invoices.csv",
      tags,
      operationId: "exportInvoicesCsv",
      summary: "Export tenant invoices as CSV (the list's filters, every page, amounts in minor units)",
      ...described(
        "Every invoice the list's filters select (no paging), one row each with its number, status, period and totals in minor units, streamed as an RFC 4180 CSV attachment. Text cells a spreadsheet would run as a formula are prefixed with `'`.",
        read,
      ),
      request: { params: TenantParams, query: ListInvoicesQuery },
      responses: csvResponses("Invoices, newest period first"),
    }),
    async (c) => {
      const { tenantId } = c.req.valid("param");
      const q = c.req.valid("query");
      const rows = await invoiceCsvRows(c.var.db, tenantId, { status: q.status, ...periodWindow(q) });
      return csvResponse(`invoices-${tenantId}.csv`, INVOICE_CSV_COLUMNS, rows);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/invoices/{invoiceId}",
      tags,
      operationId: "getInvoice",
      summary: "Get invoice",
      ...described(
        "One invoice with its lines, totals, dates and `pdfUrl`, the link to its PDF once finalized. Another tenant's invoice is 404, like an unknown one.",
        read,
      ),
      request: { params: IdParams },
      responses: jsonResponses(envelope(Invoice), "OK", 200, okExample(INVOICE)),
    }),
    async (c) => ok(c, toInvoice(await loadInvoice(c.var.db, c.req.valid("param").invoiceId, principalOf(c)))),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/invoices/{invoiceId}/finalize",
      tags,
      operationId: "finalizeInvoice",
      summary: "Finalize invoice",
      ...described(
        "Opens a draft: recomputes it one last time (late usage within the 35-day window counts), assigns the tenant's next gapless number, freezes the lines, consumes credits, counts discount durations down and renders the PDF. A total of 0 is `paid` at once. Anything but a draft is 409 `INVALID_STATE`, so a repeated finalize changes nothing.",
        secured("billing:update"),
      ),
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
      operationId: "voidInvoice",
      summary: "Void invoice",
      ...described(
        "Voids an `open` invoice and returns the credits it consumed. A draft, a `paid` or an already `void` invoice is 409 `INVALID_STATE`.",
        secured("billing:update"),
      ),
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
      operationId: "downloadInvoicePdf",
      summary: "Download invoice PDF",
      ...described(
        "The finalized invoice's PDF as an attachment named after its number (rendered again from the frozen invoice if the stored file is missing). A draft has no PDF: 409.",
        read,
      ),
      request: { params: IdParams },
      responses: {
        ...errorResponses,
        200: { description: "The invoice PDF", content: { "application/pdf": { schema: z.string().openapi({ format: "binary" }) } } },
      },
    }),
    async (c) => pdfDownload(await invoicePdf(c.env, c.req.valid("param").invoiceId, principalOf(c))),
  );
