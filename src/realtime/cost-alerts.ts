import { onRealTime, type TenantFilter } from "../clock";
import type { Db } from "../db/client";
import type { Bindings } from "../env";
import { log } from "../http/logger";
import { calendarWindow, type Window } from "../metering/periods";
import { previewInvoice } from "../invoices/preview";
import { armedCostAlerts, setLastValue, tenantsWithCostAlerts, triggerAlert, type AlertView } from "../alerts";
import { costContext, type CostContext } from "./context";
import { costTimeline } from "./timeline";

/**
 * When cost alerts are evaluated (usage alerts: src/alerts): on every read of
 * `/realtime-cost/…/current` and of the alert list, when an alert is created, and by the hourly
 * cron. Pricing a whole invoice per usage event would put D1 reads on the hot path; a cost alert
 * may therefore fire up to an hour after the crossing write when nobody looks.
 */

/**
 * Evaluates the tenant's cost alerts that are not triggered in their current window:
 * billing_period against the current total (the preview's, tax included; `current` passes it
 * when it has it), day/hour against the usage charges accrued in that day/hour (the timeline).
 */
export async function evaluateCostAlerts(env: Bindings, db: Db, tenantId: string, now: number, current?: { value: number; period: Window }): Promise<number> {
  const armed = await armedCostAlerts(db, tenantId, now);
  if (armed.length === 0) return 0;
  const ctx = await costContext(env, db, tenantId, now);
  if (!ctx.sub) return 0;
  let fired = 0;
  for (const a of armed) {
    const measured = await costIn(env, db, ctx, a.period, now, current);
    if (measured.value >= a.threshold) {
      if (
        await triggerAlert(db, tenantId, {
          alertId: a.id,
          value: String(measured.value),
          at: now,
          windowStart: measured.window.start,
          windowEnd: measured.window.end,
        })
      )
        fired++;
    } else if (a.lastValue !== String(measured.value)) {
      await setLastValue(db, a.id, String(measured.value));
    }
  }
  return fired;
}

async function costIn(
  env: Bindings,
  db: Db,
  ctx: CostContext,
  period: AlertView["period"],
  now: number,
  current?: { value: number; period: Window },
): Promise<{ value: number; window: Window }> {
  const tenantId = ctx.tenantId;
  if (period === "billing_period") {
    if (current) return { value: current.value, window: current.period };
    const draft = await previewInvoice(env, db, tenantId, undefined, now);
    return { value: draft.totals.total, window: { start: draft.periodStart, end: draft.periodEnd } };
  }
  const window = calendarWindow(period, now);
  const from = Math.max(window.start, ctx.period.start);
  const timeline = await costTimeline(env, db, tenantId, { interval: period, from, to: now }, now);
  return { value: timeline.total.amount, window };
}

/** Hourly: evaluates every tenant's cost alerts (one tenant failing does not stop the rest). */
export async function runCostAlerts(env: Bindings, db: Db, now: number, filter: TenantFilter = onRealTime): Promise<{ tenants: number; fired: number }> {
  let fired = 0;
  const tenants = await tenantsWithCostAlerts(db, 500, filter);
  for (const tenantId of tenants) {
    fired += await evaluateCostAlerts(env, db, tenantId, now).catch((err: unknown) => {
      log("warn", "alert.cost_eval_failed", { tenant: tenantId, error: err instanceof Error ? err.message : String(err) });
      return 0;
    });
  }
  return { tenants: tenants.length, fired };
}
