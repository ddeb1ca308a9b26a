import { and, asc, eq, gt, isNotNull, lte, sql } from "drizzle-orm";
import { onRealTime, type TenantFilter } from "../clock";
import { database, type Db } from "../db/client";
import type { Bindings } from "../env";
import { log } from "../http/logger";
import { flushMeter } from "../metering/usage";
import { findSubscription } from "../subscriptions/queries";
import { advanceSubscriptions, listPeriodsToInvoice } from "../subscriptions/rollover";
import { invoicePeriod } from "./generate";
import { finalizeDraft, renderStoredPdf } from "./lifecycle";
import { invoices } from "./table";

export const PERIOD_CLOSE_CRON = "15 0 * * *";
const PAGE = 100;

export interface PeriodCloseResult {
  advanced: number;
  generated: number;
  finalized: number;
}

/**
 * The daily period close. Every step is idempotent, so running it twice, concurrently, or
 * again after a crash half-way yields each invoice once with gapless numbers:
 *   1. roll every subscription over the periods that ended (scheduled downgrades and
 *      cancellations, trial ends, auto-resumes, discount durations: subscriptions/rollover);
 *   2. draft an invoice for every closed period that has none (the period's claim is
 *      written in the same batch as the invoice);
 *   3. finalize every draft whose period ended at least `graceMs` ago (numbers are taken in
 *      the finalizing batch), then render its PDF.
 * `graceMs` lets late usage (within the 35-day backdating window) reach drafts before
 * they are frozen; 0 finalizes at once.
 */
export async function closePeriods(env: Bindings, now: number, graceMs = 0, tenants: TenantFilter = onRealTime): Promise<PeriodCloseResult> {
  const db = database(env.DB);
  const { advanced } = await advanceSubscriptions(env, db, now, tenants);
  const generated = await draftClosedPeriods(env, db, now, tenants);
  const finalized = await finalizeDueDrafts(env, db, now - graceMs, now, tenants);
  log("info", "period close", { advanced, generated, finalized });
  return { advanced, generated, finalized };
}

async function draftClosedPeriods(env: Bindings, db: Db, now: number, tenants: TenantFilter): Promise<number> {
  let generated = 0;
  const flushed = new Set<string>();
  for (;;) {
    const periods = await listPeriodsToInvoice(db, PAGE, tenants);
    let progressed = false;
    for (const period of periods) {
      const sub = await findSubscription(db, period.subscriptionId);
      if (!sub) continue;
      // Rollups in D1 are what the finalized invoice will be checked against later.
      if (!flushed.has(sub.tenantId)) {
        await flushMeter(env, sub.tenantId);
        flushed.add(sub.tenantId);
      }
      const { created } = await invoicePeriod(env, db, sub, period, now);
      if (created) generated++;
      progressed = true;
    }
    if (periods.length < PAGE || !progressed) return generated;
  }
}

async function finalizeDueDrafts(env: Bindings, db: Db, endedBy: number, now: number, tenants: TenantFilter): Promise<number> {
  let finalized = 0;
  let after = "";
  for (;;) {
    const drafts = await db
      .select()
      .from(invoices)
      .where(
        and(
          eq(invoices.status, "draft"),
          isNotNull(invoices.subscriptionId),
          lte(invoices.periodEnd, endedBy),
          gt(invoices.id, after),
          tenants(invoices.tenantId),
        ),
      )
      .orderBy(asc(invoices.id))
      .limit(PAGE);
    for (const draft of drafts) {
      if (await finalizeDraft(env, db, draft, now)) {
        finalized++;
        await renderStoredPdf(env, db, draft.id);
      }
    }
    if (drafts.length < PAGE) return finalized;
    after = drafts[drafts.length - 1]!.id;
  }
}

/** The first instant after `after` at which a draft of `tenants` is due to be finalized. */
export async function nextFinalization(db: Db, tenants: TenantFilter, after: number, graceMs: number): Promise<number | null> {
  const [row] = await db
    .select({ at: sql<number | null>`MIN(${invoices.periodEnd} + ${graceMs})` })
    .from(invoices)
    .where(
      and(eq(invoices.status, "draft"), isNotNull(invoices.subscriptionId), gt(sql`${invoices.periodEnd} + ${graceMs}`, after), tenants(invoices.tenantId)),
    );
  return row?.at ?? null;
}
