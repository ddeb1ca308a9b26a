import { and, eq, gt, inArray, isNotNull, lt } from "drizzle-orm";
import type { Db } from "../db/client";
import type { Bindings } from "../env";
import { compare, parseDecimal, sub, toDecimalString } from "../lib/decimal";
import { findSubscription } from "../subscriptions/queries";
import { periodUsageLines } from "./draft";
import { invoiceLines, invoices } from "./table";
import { iso } from "../lib/time";

export interface LateUsage {
  invoiceId: string;
  number: string | null;
  periodStart: string;
  periodEnd: string;
  metric: string;
  invoicedQuantity: string;
  currentQuantity: string;
  lateQuantity: string;
}

/**
 * Usage that arrived for a period after its invoice was finalized (events may be backdated up
 * to 35 days). Finalized invoices never change, so such usage is reported here rather than
 * billed: per finalized invoice overlapping [from, to), each metered line whose period total
 * now exceeds what the invoice counted.
 */
export async function lateUsage(env: Bindings, db: Db, tenantId: string, window: { from: number; to: number }): Promise<LateUsage[]> {
  const finalized = await db
    .select()
    .from(invoices)
    .where(
      and(
        eq(invoices.tenantId, tenantId),
        inArray(invoices.status, ["open", "paid", "uncollectible"]),
        isNotNull(invoices.subscriptionId),
        lt(invoices.periodStart, window.to),
        gt(invoices.periodEnd, window.from),
      ),
    );
  const late: LateUsage[] = [];
  for (const inv of finalized) {
    const lines = await db
      .select({ meter: invoiceLines.meter, used: invoiceLines.usedQuantity, periodStart: invoiceLines.periodStart })
      .from(invoiceLines)
      .where(and(eq(invoiceLines.invoiceId, inv.id), eq(invoiceLines.kind, "usage"), isNotNull(invoiceLines.usedQuantity)));
    if (lines.length === 0) continue;
    const subscription = await findSubscription(db, inv.subscriptionId!);
    if (!subscription) continue;
    const now = await periodUsageLines(env, db, subscription, { subscriptionId: subscription.id, periodStart: inv.periodStart, periodEnd: inv.periodEnd });
    const current = new Map(now.map((l) => [`${l.meter}|${l.periodStart}`, l.usedQuantity ?? "0"]));
    for (const line of lines) {
      const invoiced = parseDecimal(line.used!);
      const today = parseDecimal(current.get(`${line.meter}|${line.periodStart}`) ?? "0");
      if (compare(today, invoiced) <= 0) continue;
      late.push({
        invoiceId: inv.id,
        number: inv.number,
        periodStart: iso(inv.periodStart),
        periodEnd: iso(inv.periodEnd),
        metric: line.meter!,
        invoicedQuantity: toDecimalString(invoiced),
        currentQuantity: toDecimalString(today),
        lateQuantity: toDecimalString(sub(today, invoiced)),
      });
    }
  }
  return late;
}
