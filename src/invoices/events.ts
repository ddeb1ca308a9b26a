import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import type { Statement } from "../outbox";
import { computedEventStatement, isoSql, onceEventId, type EventType } from "../webhooks";
import { invoices } from "./table";

/** The invoice as the batch leaves it, as the database sees it after the statements before this one. */
const invoiceJson = sql`json_object('invoice', json_object(
  'id', ${invoices.id}, 'tenantId', ${invoices.tenantId}, 'subscriptionId', ${invoices.subscriptionId},
  'number', ${invoices.number}, 'status', ${invoices.status}, 'currency', ${invoices.currency},
  'periodStart', ${isoSql(invoices.periodStart)}, 'periodEnd', ${isoSql(invoices.periodEnd)},
  'subtotal', ${invoices.subtotal}, 'discountTotal', ${invoices.discountTotal}, 'taxAmount', ${invoices.taxAmount},
  'total', ${invoices.total}, 'creditsApplied', ${invoices.creditsApplied}, 'amountDue', ${invoices.amountDue},
  'finalizedAt', ${isoSql(invoices.finalizedAt)}, 'dueAt', ${isoSql(invoices.dueAt)},
  'paidAt', ${isoSql(invoices.paidAt)}, 'voidedAt', ${isoSql(invoices.voidedAt)}))`;

const INVOICE_EVENT_STATUS: Partial<Record<EventType, string>> = {
  "invoice.created": "draft",
  "invoice.paid": "paid",
  "invoice.voided": "void",
};

/**
 * An invoice event, written once per invoice and type, whose payload is the invoice as the
 * same batch leaves it, and only if the batch really left it in the state the event names
 * (`invoice.paid` only when it is paid; `invoice.finalized` whenever it has been numbered).
 */
export function invoiceEventStatement(
  db: Db,
  type: "invoice.created" | "invoice.finalized" | "invoice.paid" | "invoice.voided" | "invoice.payment_failed",
  invoice: { id: string; tenantId: string },
  at: number,
  /** For events that can happen more than once per invoice (payment_failed): what makes this one unique, and what it adds to `data`. */
  occurrence?: { key: string; data: Record<string, unknown> },
): Statement {
  const status = INVOICE_EVENT_STATUS[type];
  const where = and(eq(invoices.id, invoice.id), status ? eq(invoices.status, status as never) : sql`${invoices.number} IS NOT NULL`)!;
  // json_set, not json_patch: a merge patch would drop the keys whose value is null.
  const extra = Object.entries(occurrence?.data ?? {}).map(([key, value]) => sql`, ${`$.${key}`}, json(${JSON.stringify(value)})`);
  const payload = extra.length ? sql`json_set(${invoiceJson}${sql.join(extra)})` : invoiceJson;
  return computedEventStatement(
    db,
    { id: onceEventId(type, invoice.id, occurrence?.key ?? ""), tenantId: invoice.tenantId, type, at },
    payload,
    sql`${invoices}`,
    where,
  );
}
