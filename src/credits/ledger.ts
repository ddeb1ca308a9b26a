import { and, asc, desc, eq, gt, inArray, isNull, or, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { afterCursor, decodeCursor, paginate } from "../http/pagination";
import { newId } from "../lib/ids";
import { creditLedger, type CreditMovementRow } from "./table";

/**
 * The credit ledger is append-only. Balance at t = Σ amount of the tenant's movements in
 * that currency whose grant has not expired at t (every movement carries its grant's
 * `expires_at`). Consumption draws from the grants that expire soonest first.
 */

const notExpiredAt = (at: number) => or(isNull(creditLedger.expiresAt), gt(creditLedger.expiresAt, at));

/** Movements of grants made by `at`: a credit granted after a period ended is not that period's to use. */
const grantedBy = (tenantId: string, at: number) =>
  inArray(
    creditLedger.grantId,
    sql`(SELECT ${creditLedger.id} FROM ${creditLedger} WHERE ${creditLedger.tenantId} = ${tenantId} AND ${creditLedger.kind} = 'grant' AND ${creditLedger.createdAt} <= ${at})`,
  );

export async function grantCredit(
  db: Db,
  g: { tenantId: string; currency: string; amount: number; reason: string; expiresAt: number | null; subscriptionId: string | null; createdBy: string | null },
  now: number,
): Promise<CreditMovementRow> {
  const id = newId("cred");
  const [row] = await db
    .insert(creditLedger)
    .values({ id, grantId: id, kind: "grant", invoiceId: null, createdAt: now, ...g })
    .returning();
  return row!;
}

/** What the tenant could use at `at`: grants made by then and not expired at then, less what was consumed of them. */
export async function creditBalance(db: Db, tenantId: string, currency: string, at: number): Promise<number> {
  const row = await db
    .select({ balance: sql<number>`coalesce(sum(${creditLedger.amount}), 0)` })
    .from(creditLedger)
    .where(and(eq(creditLedger.tenantId, tenantId), eq(creditLedger.currency, currency), notExpiredAt(at), grantedBy(tenantId, at)))
    .get();
  return Number(row?.balance ?? 0);
}

/** Balance per currency the tenant has ever had credit in. */
export async function creditBalances(db: Db, tenantId: string, at: number): Promise<Array<{ currency: string; balance: number }>> {
  const rows = await db
    .select({
      currency: creditLedger.currency,
      balance: sql<number>`coalesce(sum(CASE WHEN ${creditLedger.expiresAt} IS NULL OR ${creditLedger.expiresAt} > ${at} THEN ${creditLedger.amount} ELSE 0 END), 0)`,
    })
    .from(creditLedger)
    .where(eq(creditLedger.tenantId, tenantId))
    .groupBy(creditLedger.currency)
    .orderBy(asc(creditLedger.currency));
  return rows.map((r) => ({ currency: r.currency, balance: Number(r.balance) }));
}

export async function listCreditMovements(db: Db, tenantId: string, opts: { limit: number; cursor?: string; currency?: string }) {
  const after = decodeCursor(opts.cursor);
  const rows = await db
    .select()
    .from(creditLedger)
    .where(
      and(
        eq(creditLedger.tenantId, tenantId),
        opts.currency ? eq(creditLedger.currency, opts.currency) : undefined,
        afterCursor(after, creditLedger.createdAt, creditLedger.id, "desc"),
      ),
    )
    .orderBy(desc(creditLedger.createdAt), desc(creditLedger.id))
    .limit(opts.limit + 1);
  return paginate(rows, opts.limit, (r) => ({ k: r.createdAt, id: r.id }));
}

/**
 * For an invoice's finalization batch: consumes up to `amount` of credit, soonest-expiring
 * grants first, from the grants valid at `validAt` (the period's end: validity is judged as
 * of the period billed, not of the day it is finalized). Returns the statements and how much they apply. Each statement re-checks
 * its grant's remainder inside the batch (NULL amount → NOT NULL aborts the batch if a
 * concurrent consumption got there first), and UNIQUE (invoice, grant, kind) makes a
 * replayed finalization abort instead of consuming twice.
 */
export async function creditConsumption(
  db: Db,
  c: { tenantId: string; currency: string; invoiceId: string; amount: number; now: number; validAt?: number },
) {
  const grants = await db
    .select({
      grantId: creditLedger.grantId,
      expiresAt: creditLedger.expiresAt,
      remaining: sql<number>`sum(${creditLedger.amount})`,
      grantedAt: sql<number>`min(${creditLedger.createdAt})`,
    })
    .from(creditLedger)
    .where(and(eq(creditLedger.tenantId, c.tenantId), eq(creditLedger.currency, c.currency), notExpiredAt(c.validAt ?? c.now), grantedBy(c.tenantId, c.validAt ?? c.now)))
    .groupBy(creditLedger.grantId, creditLedger.expiresAt)
    .having(sql`sum(${creditLedger.amount}) > 0`)
    .orderBy(sql`${creditLedger.expiresAt} IS NULL`, asc(creditLedger.expiresAt), sql`min(${creditLedger.createdAt})`, asc(creditLedger.grantId));

  let left = Math.max(0, c.amount);
  const statements = [];
  for (const g of grants) {
    if (left === 0) break;
    const take = Math.min(left, Number(g.remaining));
    left -= take;
    statements.push(
      db.insert(creditLedger).values({
        id: newId("cred"),
        tenantId: c.tenantId,
        currency: c.currency,
        kind: "consumption",
        amount: sql`(SELECT ${-take} WHERE (SELECT sum(${creditLedger.amount}) FROM ${creditLedger} WHERE ${creditLedger.grantId} = ${g.grantId}) >= ${take})`,
        grantId: g.grantId,
        expiresAt: g.expiresAt,
        reason: `Applied to invoice ${c.invoiceId}`,
        invoiceId: c.invoiceId,
        createdAt: c.now,
      }),
    );
  }
  return { statements, applied: Math.max(0, c.amount) - left };
}

/** For a finalization's batch: what an invoice came to below zero, granted back as credit. */
export function creditCarryForward(
  db: Db,
  c: { tenantId: string; currency: string; amount: number; subscriptionId: string | null; invoiceId: string; now: number },
) {
  const id = newId("cred");
  return db.insert(creditLedger).values({
    id,
    grantId: id,
    tenantId: c.tenantId,
    currency: c.currency,
    kind: "grant",
    amount: c.amount,
    expiresAt: null,
    reason: `Credit carried forward from invoice ${c.invoiceId}`,
    subscriptionId: c.subscriptionId,
    invoiceId: c.invoiceId,
    createdBy: null,
    createdAt: c.now,
  });
}

/** For a void's batch: gives back what the invoice consumed, to the same grants (once). */
export function creditRestore(db: Db, invoiceId: string, now: number) {
  const l = creditLedger;
  return db
    .insert(creditLedger)
    .select(
      db
        .select({
          id: sql<string>`'cred_' || lower(hex(randomblob(12)))`.as("id"),
          tenantId: l.tenantId,
          currency: l.currency,
          kind: sql<"restore">`'restore'`.as("kind"),
          amount: sql<number>`-${l.amount}`.as("amount"),
          grantId: l.grantId,
          expiresAt: l.expiresAt,
          reason: sql<string>`'Invoice ' || ${l.invoiceId} || ' voided'`.as("reason"),
          subscriptionId: l.subscriptionId,
          invoiceId: l.invoiceId,
          createdBy: sql<null>`NULL`.as("created_by"),
          createdAt: sql<number>`${now}`.as("created_at"),
        })
        .from(l)
        .where(and(eq(l.invoiceId, invoiceId), eq(l.kind, "consumption"))),
    )
    .onConflictDoNothing();
}
