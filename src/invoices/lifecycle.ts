import { and, eq, ne, sql } from "drizzle-orm";
import { database, type Db } from "../db/client";
import type { Bindings, Principal } from "../env";
import { invalidState } from "../http/errors";
import { log } from "../http/logger";
import { ensureTenant } from "../tenants/service";
import { restoreStatement } from "../wallet";
import { finalizationStatements } from "./generate";
import { invoiceEventStatement } from "./events";
import { moneyFormat } from "./format";
import { renderInvoicePdf } from "./pdf";
import { loadInvoice, readLines, toInvoice, type StoredInvoice } from "./store";
import { invoiceSequences, invoices, type BillingSnapshot, type InvoiceRow } from "./table";
import type { Invoice } from "./schemas";
import { DAY_MS } from "../lib/time";

/** Payment terms: net 30 from finalization. */
export const PAYMENT_TERMS_DAYS = 30;

/** Where a tenant's invoice PDFs live in R2. */
export const pdfPrefix = (tenantId: string) => `invoices/${tenantId}/`;
export const pdfKey = (row: Pick<InvoiceRow, "tenantId" | "id">) => `${pdfPrefix(row.tenantId)}${row.id}.pdf`;

async function snapshot(env: Bindings, db: Db, tenantId: string, now: number): Promise<BillingSnapshot> {
  const tenant = await ensureTenant(db, tenantId, now);
  const a = tenant.billingAddress ?? {};
  return {
    seller: { name: env.SELLER_NAME || "Edge Billing", address: env.SELLER_ADDRESS || "" },
    customer: {
      id: tenant.id,
      name: tenant.name,
      email: tenant.billingEmail,
      address: [a.line1, a.line2, [a.postalCode, a.city].filter(Boolean).join(" "), a.state, a.country].filter((l): l is string => !!l),
    },
  };
}

/**
 * Finalizes a draft: in ONE D1 batch (a transaction) it takes the tenant's next invoice
 * number, freezes the invoice as `open` (or `paid` when nothing is due) and books the
 * credits it consumes. The counter moves only in the batch that opens the invoice, so
 * numbers are gapless; every statement is conditional on the invoice still being a draft,
 * so a concurrent or repeated finalize changes nothing. The PDF is rendered afterwards
 * (a frozen invoice always renders the same document, so a lost render is redone on read).
 */
export async function finalizeInvoice(env: Bindings, id: string, principal: Principal, now: number): Promise<Invoice> {
  const db = database(env.DB);
  const stored = await loadInvoice(db, id, principal);
  if (stored.row.status !== "draft") {
    throw invalidState(`Invoice is ${stored.row.status}; only a draft can be finalized`, { status: stored.row.status });
  }
  if (!(await finalizeDraft(env, db, stored.row, now))) {
    const current = await loadInvoice(db, id, principal);
    throw invalidState(`Invoice is ${current.row.status}; only a draft can be finalized`, { status: current.row.status });
  }
  return toInvoice(await renderStoredPdf(env, db, id));
}

/**
 * Returns whether this call opened the invoice (false: it was no longer a draft). The batch
 * starts with a guard that aborts it when the invoice is not a draft any more, so the
 * statements after it may rewrite lines and book credits unconditionally.
 */
export async function finalizeDraft(env: Bindings, db: Db, draft: InvoiceRow, now: number, attempt = 1): Promise<boolean> {
  const billing = await snapshot(env, db, draft.tenantId, now);
  const plan = await finalizationStatements(env, db, draft, now);
  const amountDue = plan.columns.amountDue ?? draft.total;
  const prefix = `INV-${new Date(now).getUTCFullYear()}-`;
  const events = [invoiceEventStatement(db, "invoice.finalized", draft, now), invoiceEventStatement(db, "invoice.paid", draft, now)];
  try {
    await db.batch([
      // NOT NULL makes this abort the whole batch unless the invoice is still a draft.
      db
        .update(invoices)
        .set({ total: sql`NULL` })
        .where(and(eq(invoices.id, draft.id), ne(invoices.status, "draft"))),
      db.insert(invoiceSequences).values({ tenantId: draft.tenantId, lastNumber: 0 }).onConflictDoNothing(),
      db
        .update(invoiceSequences)
        .set({ lastNumber: sql`${invoiceSequences.lastNumber} + 1` })
        .where(eq(invoiceSequences.tenantId, draft.tenantId)),
      db
        .update(invoices)
        .set({
          ...plan.columns,
          number: sql`${prefix} || printf('%06d', (SELECT last_number FROM invoice_sequences WHERE tenant_id = ${draft.tenantId}))`,
          status: amountDue === 0 ? "paid" : "open",
          billingSnapshot: billing,
          pdfKey: pdfKey(draft),
          finalizedAt: now,
          dueAt: now + PAYMENT_TERMS_DAYS * DAY_MS,
          paidAt: amountDue === 0 ? now : null,
          updatedAt: now,
        })
        .where(eq(invoices.id, draft.id)),
      ...plan.statements,
      ...events,
    ]);
    await plan.afterCommit?.(env).catch((err: Error) => log("warn", "wallet.carry_forward_deferred", { invoiceId: draft.id, error: err.message }));
    return true;
  } catch (err) {
    const current = await db.select({ status: invoices.status }).from(invoices).where(eq(invoices.id, draft.id)).get();
    if (current && current.status !== "draft") return false;
    // Still a draft (a concurrent discount or line change got there first): recompute.
    if (attempt < 3) return finalizeDraft(env, db, draft, now, attempt + 1);
    throw err;
  }
}

/** Renders a finalized invoice's PDF into R2; a failure is logged, the invoice stays final. */
export async function renderStoredPdf(env: Bindings, db: Db, id: string): Promise<StoredInvoice> {
  const row = await db.select().from(invoices).where(eq(invoices.id, id)).get();
  const stored = { row: row!, lines: await readLines(db, id) };
  try {
    await putPdf(env, stored);
  } catch (err) {
    // The invoice is final either way; GET …/pdf renders it again if the object is missing.
    log("error", "invoice pdf render failed", { invoiceId: id, error: (err as Error).message });
  }
  return stored;
}

async function putPdf(env: Bindings, { row, lines }: StoredInvoice): Promise<Uint8Array> {
  const bytes = await renderPdf({ row, lines });
  await env.INVOICES.put(pdfKey(row), bytes, {
    httpMetadata: { contentType: "application/pdf", contentDisposition: `attachment; filename="${row.number}.pdf"` },
    customMetadata: { invoiceId: row.id, number: row.number ?? "", tenantId: row.tenantId },
  });
  return bytes;
}

export function renderPdf({ row, lines }: StoredInvoice): Promise<Uint8Array> {
  const snap = row.billingSnapshot!;
  return renderInvoicePdf(
    {
      number: row.number!,
      currency: row.currency,
      issuedAt: row.finalizedAt!,
      dueAt: row.dueAt!,
      periodStart: row.periodStart,
      periodEnd: row.periodEnd,
      seller: snap.seller,
      customer: snap.customer,
      lines,
      subtotal: row.subtotal,
      discountTotal: row.discountTotal,
      taxRateBps: row.taxRateBps,
      taxAmount: row.taxAmount,
      total: row.total,
      creditsApplied: row.creditsApplied,
      amountDue: row.amountDue,
    },
    moneyFormat(row.currency),
  );
}

/** The stored PDF, re-rendered into R2 first if it is missing. Drafts have none (409). */
export async function invoicePdf(env: Bindings, id: string, principal: Principal): Promise<{ body: ReadableStream | Uint8Array; filename: string }> {
  const db = database(env.DB);
  const stored = await loadInvoice(db, id, principal);
  if (stored.row.status === "draft") {
    throw invalidState("A draft invoice has no PDF yet: finalize it first", { status: "draft" });
  }
  const filename = `${stored.row.number}.pdf`;
  const object = await env.INVOICES.get(pdfKey(stored.row));
  return { body: object ? object.body : await putPdf(env, stored), filename };
}

/**
 * Voids an open invoice: it stays as it was (number, lines, totals) with status `void`,
 * and the credits it consumed go back to the tenant's balance in the same batch.
 */
export async function voidInvoice(env: Bindings, id: string, principal: Principal, now: number): Promise<Invoice> {
  const db = database(env.DB);
  const stored = await loadInvoice(db, id, principal);
  if (stored.row.status !== "open") {
    throw invalidState(`Invoice is ${stored.row.status}; only an open invoice can be voided`, { status: stored.row.status });
  }
  const restore = restoreStatement(db, { tenantId: stored.row.tenantId, invoiceId: id, now });
  await db
    .batch([
      // NOT NULL aborts the batch unless the invoice is still open, so credits return once.
      db
        .update(invoices)
        .set({ total: sql`NULL` })
        .where(and(eq(invoices.id, id), ne(invoices.status, "open"))),
      db.update(invoices).set({ status: "void", voidedAt: now, updatedAt: now }).where(eq(invoices.id, id)),
      restore.statement,
      invoiceEventStatement(db, "invoice.voided", stored.row, now),
    ])
    .then(() => restore.deliver(env).catch((err: Error) => log("warn", "wallet.restore_deferred", { invoiceId: id, error: err.message })))
    .catch(async (err) => {
      const current = await loadInvoice(db, id, principal);
      if (current.row.status === "open") throw err;
    });
  const after = await loadInvoice(db, id, principal);
  if (after.row.status !== "void") {
    throw invalidState(`Invoice is ${after.row.status}; only an open invoice can be voided`, { status: after.row.status });
  }
  return toInvoice(after);
}

/**
 * Records a payment (Stripe webhook): open → paid, once. Returns whether this call paid it,
 * so a replayed event changes nothing.
 */
export async function markInvoicePaid(db: Db, invoice: Pick<InvoiceRow, "id" | "tenantId">, now: number, paymentIntentId?: string): Promise<boolean> {
  const [rows] = await db.batch([
    db
      .update(invoices)
      .set({ status: "paid", paidAt: now, updatedAt: now, ...(paymentIntentId ? { stripePaymentIntentId: paymentIntentId } : {}) })
      .where(and(eq(invoices.id, invoice.id), eq(invoices.status, "open")))
      .returning({ id: invoices.id }),
    invoiceEventStatement(db, "invoice.paid", invoice, now),
  ]);
  return rows.length > 0;
}
