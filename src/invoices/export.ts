import type { Db } from "../db/client";
import type { CsvCell } from "../http/csv";
import type { Invoice } from "./schemas";
import { listInvoices } from "./store";

export const INVOICE_CSV_COLUMNS = [
  "id",
  "number",
  "status",
  "currency",
  "periodStart",
  "periodEnd",
  "subtotal",
  "discounts",
  "tax",
  "taxRateBps",
  "total",
  "creditsApplied",
  "amountDue",
  "subscriptionId",
  "createdAt",
  "finalizedAt",
  "dueAt",
  "paidAt",
  "voidedAt",
] as const;

const row = (i: Invoice): CsvCell[] => [
  i.id,
  i.number,
  i.status,
  i.currency,
  i.periodStart,
  i.periodEnd,
  i.subtotal.amount,
  i.discounts.amount,
  i.tax.amount,
  i.tax.rateBps,
  i.total.amount,
  i.creditsApplied.amount,
  i.amountDue.amount,
  i.subscriptionId,
  i.createdAt,
  i.finalizedAt,
  i.dueAt,
  i.paidAt,
  i.voidedAt,
];

const PAGE = 200;

/**
 * Every invoice the list route's filters select, newest period first, one CSV row each (amounts
 * in minor units), read a page at a time. The first page is read before anything is sent, so a
 * failing query is still an error status rather than a cut-off file.
 */
export async function invoiceCsvRows(db: Db, tenantId: string, filter: { status?: string; from?: number; to?: number }) {
  const first = await listInvoices(db, tenantId, { ...filter, limit: PAGE });
  async function* rows() {
    let page = first;
    for (;;) {
      for (const invoice of page.items) yield row(invoice);
      if (!page.nextCursor) return;
      page = await listInvoices(db, tenantId, { ...filter, limit: PAGE, cursor: page.nextCursor });
    }
  }
  return rows();
}
