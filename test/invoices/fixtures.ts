import { env } from "cloudflare:workers";
import { database } from "../../src/db/client";
import { invoiceLines, invoices } from "../../src/invoices/table";
import { newId } from "../../src/lib/ids";

/** A draft invoice written straight to D1, for lifecycle tests that do not need generation. */
export async function insertDraft(
  tenantId: string,
  opts: { lines?: number; amount?: number; currency?: string; periodStart?: number; periodEnd?: number } = {},
) {
  const db = database(env.DB);
  const id = newId("inv");
  const periodStart = opts.periodStart ?? Date.UTC(2026, 9, 1);
  const periodEnd = opts.periodEnd ?? Date.UTC(2026, 10, 1);
  const count = opts.lines ?? 2;
  const amount = opts.amount ?? 1000;
  const now = Date.now();
  const total = amount * count;
  await db.insert(invoices).values({
    id,
    tenantId,
    subscriptionId: null,
    periodKey: `test:${id}`,
    status: "draft",
    currency: opts.currency ?? "USD",
    periodStart,
    periodEnd,
    subtotal: total,
    total,
    amountDue: total,
    createdAt: now,
    updatedAt: now,
  });
  const rows = Array.from({ length: count }, (_, i) => ({
    id: newId("il"),
    invoiceId: id,
    position: i,
    kind: "usage" as const,
    description: `Line ${i + 1}`,
    meter: "apiCalls",
    quantity: "1",
    unitPrice: String(amount),
    amount,
    periodStart,
    periodEnd,
  }));
  // D1 binds at most 100 variables per statement.
  for (let i = 0; i < rows.length; i += 8) await db.insert(invoiceLines).values(rows.slice(i, i + 8));
  return id;
}
