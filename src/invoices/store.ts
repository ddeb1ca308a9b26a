import { and, asc, desc, eq, gte, lt, ne } from "drizzle-orm";
import { ownedBy } from "../db/owned";
import type { Db } from "../db/client";
import { inJson } from "../db/in-json";
import { iso } from "../lib/time";
import type { Principal } from "../env";
import { ownerOf } from "../http/auth";
import { notFound } from "../http/errors";
import { afterCursor, decodeCursor, paginate } from "../http/pagination";
import type { Invoice } from "./schemas";
import { invoiceLines, invoices, type InvoiceLineRow, type InvoiceRow } from "./table";

export interface StoredInvoice {
  row: InvoiceRow;
  lines: InvoiceLineRow[];
}

const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

export function toInvoice({ row, lines }: StoredInvoice): Invoice {
  const money = (amount: number) => ({ amount, currency: row.currency });
  return {
    id: row.id,
    tenantId: row.tenantId,
    subscriptionId: row.subscriptionId,
    number: row.number,
    status: row.status,
    currency: row.currency,
    periodStart: iso(row.periodStart),
    periodEnd: iso(row.periodEnd),
    lines: lines.map((l) => ({
      id: l.id,
      kind: l.kind,
      description: l.description,
      meter: l.meter,
      quantity: l.quantity,
      unitPrice: { amount: l.unitPrice, currency: row.currency },
      amount: money(l.amount),
      periodStart: iso(l.periodStart),
      periodEnd: iso(l.periodEnd),
    })),
    subtotal: money(row.subtotal),
    discounts: money(row.discountTotal),
    tax: { ...money(row.taxAmount), rateBps: row.taxRateBps },
    total: money(row.total),
    creditsApplied: money(row.creditsApplied),
    amountDue: money(row.amountDue),
    pdfUrl: row.status === "draft" ? null : `/api/v1/billing/invoices/${row.id}/pdf`,
    createdAt: iso(row.createdAt),
    finalizedAt: isoOrNull(row.finalizedAt),
    dueAt: isoOrNull(row.dueAt),
    paidAt: isoOrNull(row.paidAt),
    voidedAt: isoOrNull(row.voidedAt),
  };
}

/** The invoice `id`, whoever's it is (for callers that check ownership themselves, e.g. Stripe's events). */
export async function findInvoice(db: Db, id: string): Promise<InvoiceRow | undefined> {
  return db.select().from(invoices).where(eq(invoices.id, id)).get();
}

/** Remembers the open invoice's Stripe payment intent (a paid or voided one keeps what it had). */
export async function attachPaymentIntent(db: Db, invoiceId: string, paymentIntentId: string, now: number): Promise<void> {
  await db
    .update(invoices)
    .set({ stripePaymentIntentId: paymentIntentId, updatedAt: now })
    .where(and(eq(invoices.id, invoiceId), eq(invoices.status, "open")));
}

/** Whose invoice `id` is (undefined when there is none). */
export async function invoiceTenant(db: Db, id: string): Promise<string | undefined> {
  return (await db.select({ tenantId: invoices.tenantId }).from(invoices).where(eq(invoices.id, id)).get())?.tenantId;
}

export async function readLines(db: Db, invoiceId: string): Promise<InvoiceLineRow[]> {
  return db.select().from(invoiceLines).where(eq(invoiceLines.invoiceId, invoiceId)).orderBy(asc(invoiceLines.position));
}

/** The invoice if the caller may see it; another tenant's id answers 404 like a missing one. */
export async function loadInvoice(db: Db, id: string, principal: Principal): Promise<StoredInvoice> {
  const row = await db
    .select()
    .from(invoices)
    .where(and(eq(invoices.id, id), ownedBy(invoices.tenantId, ownerOf(principal))))
    .get();
  if (!row) throw notFound("Invoice", id);
  return { row, lines: await readLines(db, id) };
}

/** The invoice as the caller may see it (see loadInvoice), with its lines. */
export async function getInvoice(db: Db, id: string, principal: Principal): Promise<Invoice> {
  return toInvoice(await loadInvoice(db, id, principal));
}

/** An issued invoice without its lines: what a list of documents shows. */
export type IssuedInvoice = Omit<Invoice, "lines">;

const withoutLines = (row: InvoiceRow): IssuedInvoice => {
  const { lines: _, ...invoice } = toInvoice({ row, lines: [] });
  return invoice;
};

/** The tenant's issued invoices (finalized: open, paid or void; never a draft), the latest finalized first. */
export async function listIssuedInvoices(db: Db, tenantId: string): Promise<IssuedInvoice[]> {
  const rows = await db
    .select()
    .from(invoices)
    .where(and(eq(invoices.tenantId, tenantId), ne(invoices.status, "draft")))
    .orderBy(invoices.finalizedAt);
  return rows.reverse().map(withoutLines);
}

/** An issued invoice of the tenant, else 404: a draft is not a document yet. */
export async function getIssuedInvoice(db: Db, tenantId: string, id: string): Promise<IssuedInvoice> {
  const row = await db
    .select()
    .from(invoices)
    .where(and(eq(invoices.id, id), eq(invoices.tenantId, tenantId), ne(invoices.status, "draft")))
    .get();
  if (!row) throw notFound("Invoice", id);
  return withoutLines(row);
}

export async function listInvoices(
  db: Db,
  tenantId: string,
  q: { status?: string; from?: number; to?: number; limit: number; cursor?: string },
): Promise<{ items: Invoice[]; nextCursor: string | null }> {
  const after = decodeCursor(q.cursor);
  const rows = await db
    .select()
    .from(invoices)
    .where(
      and(
        eq(invoices.tenantId, tenantId),
        q.status ? eq(invoices.status, q.status as InvoiceRow["status"]) : undefined,
        q.from !== undefined ? gte(invoices.periodStart, q.from) : undefined,
        q.to !== undefined ? lt(invoices.periodStart, q.to) : undefined,
        afterCursor(after, invoices.periodStart, invoices.id, "desc"),
      ),
    )
    .orderBy(desc(invoices.periodStart), desc(invoices.id))
    .limit(q.limit + 1);
  const page = paginate(rows, q.limit, (r) => ({ k: r.periodStart, id: r.id }));
  if (page.items.length === 0) return { items: [], nextCursor: null };
  // One query for all lines of the page rather than one per invoice.
  const ids = page.items.map((r) => r.id);
  const lines = await db.select().from(invoiceLines).where(inJson(invoiceLines.invoiceId, ids)).orderBy(asc(invoiceLines.position));
  return {
    items: page.items.map((row) => toInvoice({ row, lines: lines.filter((l) => l.invoiceId === row.id) })),
    nextCursor: page.nextCursor,
  };
}
