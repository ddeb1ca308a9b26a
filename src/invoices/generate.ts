import { and, eq } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { consumeDiscountPeriod } from "../coupons";
import type { Db } from "../db/client";
import type { Bindings, Principal } from "../env";
import { ownerOf } from "../http/auth";
import { invalidState } from "../http/errors";
import { newId } from "../lib/ids";
import {
  claimPeriodStatement,
  findClosedPeriod,
  findLiveSubscription,
  findOwnedSubscription,
  findSubscription,
  latestSubscription,
  type PeriodRow,
  type SubscriptionRow,
} from "../subscriptions/queries";
import { catchUp } from "../subscriptions/rollover";
import { buildDraft, type InvoiceDraft } from "./draft";
import { invoiceLines, invoices, type InvoiceRow } from "./table";
import { invoiceEventStatement } from "./events";
import { carryForwardStatement, noticeStatements, settleInvoice } from "../wallet";

type Statement = BatchItem<"sqlite">;

/** D1 binds at most 100 variables per statement: 12 columns × 8 rows stays under it. */
const LINE_ROWS_PER_INSERT = 8;

export const periodKey = (subscriptionId: string, periodStart: number) => `${subscriptionId}:${periodStart}`;

function lineInserts(db: Db, invoiceId: string, draft: InvoiceDraft): Statement[] {
  const rows = [
    ...draft.lines,
    ...draft.totals.discounts.map((d) => ({
      kind: "discount" as const,
      description: d.description,
      meter: null,
      quantity: "1",
      unitPrice: String(d.amount),
      amount: d.amount,
      periodStart: draft.periodStart,
      periodEnd: draft.periodEnd,
      sourceId: d.sourceId,
    })),
  ].map((l, position) => ({ ...l, id: newId("il"), invoiceId, position }));
  const statements: Statement[] = [];
  for (let i = 0; i < rows.length; i += LINE_ROWS_PER_INSERT) {
    statements.push(db.insert(invoiceLines).values(rows.slice(i, i + LINE_ROWS_PER_INSERT)));
  }
  return statements;
}

const totalsColumns = (draft: InvoiceDraft) => ({
  subtotal: draft.totals.subtotal,
  discountTotal: draft.totals.discountTotal,
  taxRateBps: draft.taxRateBps,
  taxAmount: draft.totals.taxAmount,
  total: draft.totals.total,
  amountDue: draft.totals.total,
});

/**
 * Writes the draft invoice for a closed period in one batch: the invoice, its lines, and
 * the claim on the period. The unique (tenant, period) key makes a
 * concurrent second generation fail as a whole; the caller then returns the first one.
 */
async function insertDraft(db: Db, period: PeriodRow, draft: InvoiceDraft, now: number): Promise<string> {
  const id = newId("inv");
  const created = invoiceEventStatement(db, "invoice.created", { id, tenantId: draft.tenantId }, now);
  await db.batch([
    db.insert(invoices).values({
      id,
      tenantId: draft.tenantId,
      subscriptionId: draft.subscriptionId,
      periodKey: periodKey(draft.subscriptionId, draft.periodStart),
      status: "draft",
      currency: draft.currency,
      periodStart: draft.periodStart,
      periodEnd: draft.periodEnd,
      ...totalsColumns(draft),
      createdAt: now,
      updatedAt: now,
    }),
    ...lineInserts(db, id, draft),
    claimPeriodStatement(db, period.id, id),
    created,
  ]);
  return id;
}

async function existingInvoiceId(db: Db, tenantId: string, key: string): Promise<string | undefined> {
  const row = await db
    .select({ id: invoices.id })
    .from(invoices)
    .where(and(eq(invoices.tenantId, tenantId), eq(invoices.periodKey, key)))
    .get();
  return row?.id;
}

/** The draft for a closed period: the existing invoice if there is one, else a new draft. */
export async function invoicePeriod(env: Bindings, db: Db, sub: SubscriptionRow, period: PeriodRow, now: number): Promise<{ id: string; created: boolean }> {
  const key = periodKey(sub.id, period.periodStart);
  const existing = period.invoiceId ?? (await existingInvoiceId(db, sub.tenantId, key));
  if (existing) return { id: existing, created: false };
  const draft = await buildDraft(env, db, sub, period, { asOf: period.periodEnd, open: false });
  try {
    return { id: await insertDraft(db, period, draft, now), created: true };
  } catch (err) {
    const raced = await existingInvoiceId(db, sub.tenantId, key);
    if (raced) return { id: raced, created: false };
    throw err;
  }
}

/**
 * `POST /tenants/:tenantId/invoices`: the invoice of a subscription's period, by default
 * the last one that ended. Periods that ended since the last roll-over are closed first.
 */
export async function generateInvoice(
  env: Bindings,
  db: Db,
  principal: Principal,
  tenantId: string,
  input: { subscriptionId?: string; periodStart?: number },
  now: number,
): Promise<{ id: string; created: boolean }> {
  const found = input.subscriptionId
    ? await findOwnedSubscription(db, input.subscriptionId, ownerOf(principal))
    : ((await findLiveSubscription(db, tenantId)) ?? (await latestSubscription(db, tenantId)));
  if (!found || found.tenantId !== tenantId) {
    throw invalidState(`Tenant ${tenantId} has no subscription to invoice`);
  }
  const sub = await catchUp(env, db, found, now);
  const period = await closedPeriod(db, sub, input.periodStart);
  return invoicePeriod(env, db, sub, period, now);
}

async function closedPeriod(db: Db, sub: SubscriptionRow, periodStart: number | undefined): Promise<PeriodRow> {
  const period = await findClosedPeriod(db, sub.id, periodStart);
  if (period) return period;
  if (periodStart !== undefined && periodStart === sub.currentPeriodStart) {
    throw invalidState("That period has not ended yet: see GET …/billing/preview for its invoice so far", {
      periodStart: new Date(periodStart).toISOString(),
      periodEnd: new Date(sub.currentPeriodEnd).toISOString(),
    });
  }
  if (periodStart !== undefined) {
    throw invalidState(`Subscription ${sub.id} has no ended period starting at ${new Date(periodStart).toISOString()}`);
  }
  throw invalidState(`No billing period of subscription ${sub.id} has ended yet (the current one ends ${new Date(sub.currentPeriodEnd).toISOString()})`);
}

/**
 * What finalizing a draft adds to its batch: the draft recomputed (late usage within the
 * window counts until finalization), its lines replaced, discounts counted down, credits
 * consumed and any negative remainder granted back as credit. Invoices without a
 * subscription period keep their stored figures.
 */
export async function finalizationStatements(
  env: Bindings,
  db: Db,
  row: InvoiceRow,
  now: number,
): Promise<{ creditsApplied: number; columns: Partial<InvoiceRow>; statements: Statement[]; afterCommit?: (env: Bindings) => Promise<void> }> {
  const sub = row.subscriptionId ? await findSubscription(db, row.subscriptionId) : undefined;
  const period = sub ? await findClosedPeriod(db, sub.id, row.periodStart) : undefined;
  const draft = sub && period ? await buildDraft(env, db, sub, period, { asOf: period.periodEnd, open: false }) : null;
  const total = draft ? draft.totals.total : row.total;
  // Settled against the wallet before the batch (once per invoice: a retry takes nothing twice);
  // which credit may pay it is judged at the period's end, as the draft and preview show.
  const credits = await settleInvoice(env, {
    tenantId: row.tenantId,
    invoiceId: row.id,
    subscriptionId: row.subscriptionId,
    periodStart: row.subscriptionId ? row.periodStart : null,
    currency: row.currency,
    total,
    validAt: row.periodEnd,
    now,
  });
  const carryForward = draft ? draft.totals.carryForward : Math.max(0, -row.subtotal);
  const carried =
    carryForward > 0
      ? carryForwardStatement(db, {
          tenantId: row.tenantId,
          currency: row.currency,
          amount: carryForward,
          subscriptionId: row.subscriptionId,
          invoiceId: row.id,
          now,
        })
      : null;
  const replaceLines: Statement[] = draft ? [db.delete(invoiceLines).where(eq(invoiceLines.invoiceId, row.id)), ...lineInserts(db, row.id, draft)] : [];
  const bookkeeping: Statement[] = [
    // Thresholds the settlement crossed, told with the invoice (the meter would write them too, once).
    ...noticeStatements(db, row.tenantId, credits.notices),
    ...(draft?.totals.discounts.map((d) => consumeDiscountPeriod(db, d.sourceId, row.id)) ?? []),
    ...(carried ? [carried.statement] : []),
  ];
  const columns: Partial<InvoiceRow> = { ...(draft ? totalsColumns(draft) : {}), creditsApplied: credits.applied, amountDue: total - credits.applied };
  return { creditsApplied: credits.applied, columns, statements: [...replaceLines, ...bookkeeping], afterCommit: carried?.deliver };
}
