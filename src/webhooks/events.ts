import { createHash } from "node:crypto";
import { and, desc, eq, gte, sql, type SQL } from "drizzle-orm";
import type { Db } from "../db/client";
import { iso } from "../lib/time";
import { notFound } from "../http/errors";
import { afterCursor, decodeCursor, paginate } from "../http/pagination";
import { invoices } from "../invoices/table";
import { outbox, outboxSelectStatement, outboxStatement, type OutboxRow, type Statement } from "../outbox";
import type { EventData, EventType } from "./catalog";

/** Events live in the outbox (kind "event"): the row that is delivered is the event log. */
export const EVENT_KIND = "event";
export const EVENT_RETENTION_MS = 30 * 86_400_000;

/** The statement that records an event; put it in the batch of the change it reports. */
export function eventStatement<T extends EventType>(db: Db, e: { tenantId: string; type: T; data: EventData<T>; at: number; id?: string }): Statement {
  return outboxStatement(db, { id: e.id, tenantId: e.tenantId, kind: EVENT_KIND, type: e.type, payload: e.data, at: e.at });
}

/**
 * An event written only if, when the batch reaches it, a row of `from` matches `where` (the
 * change it reports really happened in this batch). Give it a deterministic id (onceEventId).
 */
export function conditionalEventStatement<T extends EventType>(
  db: Db,
  e: { id: string; tenantId: string; type: T; data: EventData<T>; at: number },
  from: SQL,
  where: SQL,
): Statement {
  return outboxSelectStatement(db, { id: e.id, tenantId: e.tenantId, kind: EVENT_KIND, type: e.type, at: e.at }, sql`${JSON.stringify(e.data)}`, from, where);
}

/**
 * A deterministic event id, for events that happen once per thing (an invoice is paid once, a
 * quota is first exceeded once per period): a second write of the same event is ignored.
 */
export function onceEventId(...parts: string[]): string {
  return `evt_${createHash("sha256").update(parts.join("\u0000")).digest("hex").slice(0, 24)}`;
}

const isoSql = (column: SQL | unknown) =>
  sql`CASE WHEN ${column} IS NULL THEN NULL ELSE strftime('%Y-%m-%dT%H:%M:%S', ${column} / 1000, 'unixepoch') || '.' || printf('%03d', ${column} % 1000) || 'Z' END`;

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
  const extra = Object.entries(occurrence?.data ?? {}).map(([key, value]) => sql`, ${"$." + key}, json(${JSON.stringify(value)})`);
  const payload = extra.length ? sql`json_set(${invoiceJson}${sql.join(extra)})` : invoiceJson;
  return outboxSelectStatement(
    db,
    { id: onceEventId(type, invoice.id, occurrence?.key ?? ""), tenantId: invoice.tenantId, kind: EVENT_KIND, type, at },
    payload,
    sql`${invoices}`,
    where,
  );
}

// ── the event log ──────────────────────────────────────────────────────────

export interface EventView {
  id: string;
  type: string;
  tenantId: string;
  timestamp: string;
  data: unknown;
}

export const toEvent = (row: OutboxRow): EventView => ({ id: row.id, type: row.type!, tenantId: row.tenantId, timestamp: iso(row.createdAt), data: row.payload });

/** The tenant's events, newest first, optionally of one type and from an instant on (30 days are kept). */
export async function listEvents(db: Db, tenantId: string, q: { type?: string; from?: number; limit: number; cursor?: string }) {
  const after = decodeCursor(q.cursor);
  const rows = await db
    .select()
    .from(outbox)
    .where(
      and(
        eq(outbox.kind, EVENT_KIND),
        eq(outbox.tenantId, tenantId),
        q.type ? eq(outbox.type, q.type) : undefined,
        q.from !== undefined ? gte(outbox.createdAt, q.from) : undefined,
        afterCursor(after, outbox.createdAt, outbox.id, "desc"),
      ),
    )
    .orderBy(desc(outbox.createdAt), desc(outbox.id))
    .limit(q.limit + 1);
  const page = paginate(rows, q.limit, (r) => ({ k: r.createdAt, id: r.id }));
  return { items: page.items.map(toEvent), nextCursor: page.nextCursor };
}

/** One event the caller may see (`owner` null: an admin, any tenant); another tenant's is not found. */
export async function findEvent(db: Db, eventId: string, owner: string | null): Promise<OutboxRow> {
  const row = await db
    .select()
    .from(outbox)
    .where(and(eq(outbox.id, eventId), eq(outbox.kind, EVENT_KIND), owner === null ? undefined : eq(outbox.tenantId, owner)))
    .get();
  if (!row) throw notFound("Event", eventId);
  return row;
}
