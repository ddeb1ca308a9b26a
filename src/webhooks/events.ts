import { createHash } from "node:crypto";
import { sql, type SQL } from "drizzle-orm";
import type { Db } from "../db/client";
import { iso } from "../lib/time";
import { notFound } from "../http/errors";
import { decodeCursor, paginate } from "../http/pagination";
import { findOfKind, outboxSelectStatement, outboxStatement, pageOfKind, type OutboxRow, type Statement } from "../outbox";
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

/**
 * An event whose payload the database computes in the same batch (a JSON expression over the
 * rows of `from` matching `where`, as the statements before it left them), written only when a
 * row matches. For events that report a row as the change left it (src/invoices/events.ts).
 */
export function computedEventStatement(
  db: Db,
  e: { id: string; tenantId: string; type: EventType; at: number },
  payload: SQL,
  from: SQL,
  where: SQL,
): Statement {
  return outboxSelectStatement(db, { id: e.id, tenantId: e.tenantId, kind: EVENT_KIND, type: e.type, at: e.at }, payload, from, where);
}

/** An ISO 8601 instant computed by SQLite from epoch milliseconds (null stays null). */
export const isoSql = (column: SQL | unknown) =>
  sql`CASE WHEN ${column} IS NULL THEN NULL ELSE strftime('%Y-%m-%dT%H:%M:%S', ${column} / 1000, 'unixepoch') || '.' || printf('%03d', ${column} % 1000) || 'Z' END`;

// ── the event log ──────────────────────────────────────────────────────────

export interface EventView {
  id: string;
  type: string;
  tenantId: string;
  timestamp: string;
  data: unknown;
}

export const toEvent = (row: OutboxRow): EventView => ({
  id: row.id,
  type: row.type!,
  tenantId: row.tenantId,
  timestamp: iso(row.createdAt),
  data: row.payload,
});

/** The tenant's events, newest first, optionally of one type and from an instant on (30 days are kept). */
export async function listEvents(db: Db, tenantId: string, q: { type?: string; from?: number; limit: number; cursor?: string }) {
  const after = decodeCursor(q.cursor);
  const rows = await pageOfKind(db, EVENT_KIND, tenantId, { type: q.type, from: q.from, after, limit: q.limit });
  const page = paginate(rows, q.limit, (r) => ({ k: r.createdAt, id: r.id }));
  return { items: page.items.map(toEvent), nextCursor: page.nextCursor };
}

/** One event the caller may see (`owner` null: an admin, any tenant); another tenant's is not found. */
export async function findEvent(db: Db, eventId: string, owner: string | null): Promise<OutboxRow> {
  const row = await findOfKind(db, eventId, EVENT_KIND, owner);
  if (!row) throw notFound("Event", eventId);
  return row;
}
