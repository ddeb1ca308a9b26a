import { createRoute, z } from "@hono/zod-openapi";
import { principalOf } from "../../http/auth";
import { PageQuery } from "../../http/pagination";
import { publicBase } from "../../http/public-url";
import { createRouter, described, secured } from "../../http/router";
import { getInvoice, getIssuedInvoice, invoicePdf, listInvoices, listIssuedInvoices, pdfDownload, type Invoice, type IssuedInvoice } from "../../invoices";
import { subscriptionLinks, type SubscriptionLink } from "../../subscriptions";
import { TenantId } from "../../http/fields";
import type { Db } from "../../db/client";
import { organizationErrorResponses } from "./errors";

const tags = ["Organization billing (compatibility API)"];
const read = secured("billing:read", "billing:update");
const Money = z.object({ cents: z.number(), currency_iso: z.string() }).openapi("OrganizationMoney");
const money = (cents: number, currency: string) => ({ cents, currency_iso: currency });

const InternalInvoice = z
  .object({
    id: z.string(),
    organization_id: z.string(),
    period: z.string().describe("YYYY-MM of the period start"),
    period_start: z.string(),
    period_end: z.string(),
    status: z.string(),
    total: Money,
    items: z.array(
      z.object({
        product: z.string().nullable().describe("The product id of the subscription the invoice bills"),
        project: z.string().nullable().describe("The project id of that subscription (null: organisation-wide)"),
        metric: z.string().nullable().describe("The meter a usage line prices; null for base fees, prorations, discounts, tax"),
        kind: z.enum(["base", "usage", "proration", "discount", "credit", "tax"]),
        description: z.string(),
        quantity: z.string(),
        unit: z.string(),
        unit_price: Money,
        total: Money,
      }),
    ),
  })
  .openapi("OrganizationInternalInvoice");

const EasyBillInvoice = z
  .object({
    id: z.string(),
    number: z.string(),
    organization_id: z.string(),
    document_date: z.string(),
    due_date: z.string(),
    status: z.string(),
    total: Money,
    amount_due: Money,
    pdf_url: z.string(),
  })
  .openapi("OrganizationInvoice");

/** The product and project of each invoice's subscription (seed 002 links products to projects through subscriptions). */
const linksOf = (db: Db, list: readonly Invoice[]) =>
  subscriptionLinks(
    db,
    list.map((i) => i.subscriptionId).filter((id): id is string => id !== null),
  );

/** The platform's metered view of an invoice (seed 002 `/invoices`), with `{cents, currency_iso}` money. */
function internalInvoice(invoice: Invoice, links: Map<string, SubscriptionLink>): z.infer<typeof InternalInvoice> {
  const link = invoice.subscriptionId ? links.get(invoice.subscriptionId) : undefined;
  return {
    id: invoice.id,
    organization_id: invoice.tenantId,
    period: invoice.periodStart.slice(0, 7),
    period_start: invoice.periodStart,
    period_end: invoice.periodEnd,
    status: invoice.status,
    total: money(invoice.total.amount, invoice.currency),
    items: invoice.lines.map((l) => ({
      product: link?.productId ?? null,
      project: link?.projectId ?? null,
      metric: l.meter,
      kind: l.kind,
      description: l.description,
      quantity: l.quantity,
      unit: l.meter ?? "unit",
      unit_price: money(Number(l.unitPrice.amount), invoice.currency),
      total: money(l.amount.amount, invoice.currency),
    })),
  };
}

/** A finalized invoice: the legally binding document (seed 002's EasyBill invoices). */
function legalInvoice(invoice: IssuedInvoice, origin: string): z.infer<typeof EasyBillInvoice> {
  return {
    id: invoice.id,
    number: invoice.number!,
    organization_id: invoice.tenantId,
    document_date: invoice.finalizedAt!,
    due_date: invoice.dueAt!,
    status: invoice.status,
    total: money(invoice.total.amount, invoice.currency),
    amount_due: money(invoice.amountDue.amount, invoice.currency),
    pdf_url: `${origin}/organizations/${invoice.tenantId}/invoices/download?invoice_id=${invoice.id}`,
  };
}

const OrgParams = z.object({ tenantId: TenantId.describe("Organization id (the tenant)") });

export const invoiceRoutes = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/invoices",
      tags,
      operationId: "organizationsListInternalInvoices",
      summary: "List internal invoices of the caller's organisation",
      ...described(
        "The metered view of the token's organization's invoices, drafts included, newest period first: period, status, total as `{cents, currency_iso}`, and line items with the product and project of the subscription billed, the meter, unit, unit price and total. Paginated with `limit` and `cursor` (`next_cursor`).",
        read,
      ),
      request: { query: PageQuery },
      responses: {
        200: {
          description: "Invoices",
          content: { "application/json": { schema: z.object({ invoices: z.array(InternalInvoice), next_cursor: z.string().nullable() }) } },
        },
        ...organizationErrorResponses,
      },
    }),
    async (c) => {
      const { limit, cursor } = c.req.valid("query");
      const db = c.var.db;
      const page = await listInvoices(db, principalOf(c).tenant, { limit, cursor });
      const links = await linksOf(db, page.items);
      return c.json({ invoices: page.items.map((i) => internalInvoice(i, links)), next_cursor: page.nextCursor }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/invoices/{id}",
      tags,
      operationId: "organizationsGetInternalInvoice",
      summary: "Show invoice with line items",
      ...described("One internal invoice with its line items; another organization's is 404.", read),
      request: { params: z.object({ id: z.string().min(1).max(64) }) },
      responses: { 200: { description: "Invoice", content: { "application/json": { schema: InternalInvoice } } }, ...organizationErrorResponses },
    }),
    async (c) => {
      const db = c.var.db;
      const invoice = await getInvoice(db, c.req.valid("param").id, principalOf(c));
      return c.json(internalInvoice(invoice, await linksOf(db, [invoice])), 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/organizations/{tenantId}/invoices/download",
      tags,
      operationId: "organizationsDownloadInvoicePdf",
      summary: "Download invoice PDF",
      ...described(
        "The PDF of one of the organization's finalized invoices (`invoice_id`), as an attachment. A draft, or another organization's invoice, is 404.",
        read,
      ),
      request: { params: OrgParams, query: z.object({ invoice_id: z.string().min(1).max(64) }) },
      responses: {
        200: { description: "PDF", content: { "application/pdf": { schema: z.string().openapi({ format: "binary" }) } } },
        ...organizationErrorResponses,
      },
    }),
    async (c) => {
      const issued = await getIssuedInvoice(c.var.db, c.req.valid("param").tenantId, c.req.valid("query").invoice_id);
      return pdfDownload(await invoicePdf(c.env, issued.id, principalOf(c)));
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/organizations/{tenantId}/invoices",
      tags,
      operationId: "organizationsListInvoices",
      summary: "List legally binding invoices (finalized)",
      ...described(
        "The organization's finalized invoices, newest first: number, document and due dates, status, total and amount due as `{cents, currency_iso}`, and `pdf_url`. Drafts are not legal documents and are left out.",
        read,
      ),
      request: { params: OrgParams },
      responses: {
        200: { description: "Invoices", content: { "application/json": { schema: z.object({ invoices: z.array(EasyBillInvoice) }) } } },
        ...organizationErrorResponses,
      },
    }),
    async (c) => {
      const issued = await listIssuedInvoices(c.var.db, c.req.valid("param").tenantId);
      const origin = publicBase(c.env);
      return c.json({ invoices: issued.map((invoice) => legalInvoice(invoice, origin)) }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/organizations/{tenantId}/invoices/{invoice_id}",
      tags,
      operationId: "organizationsGetInvoice",
      summary: "Show a legally binding invoice",
      ...described("One finalized invoice of the organization; a draft or another organization's is 404.", read),
      request: { params: OrgParams.extend({ invoice_id: z.string().min(1).max(64) }) },
      responses: { 200: { description: "Invoice", content: { "application/json": { schema: EasyBillInvoice } } }, ...organizationErrorResponses },
    }),
    async (c) => {
      const { tenantId, invoice_id } = c.req.valid("param");
      return c.json(legalInvoice(await getIssuedInvoice(c.var.db, tenantId, invoice_id), publicBase(c.env)), 200);
    },
  );
