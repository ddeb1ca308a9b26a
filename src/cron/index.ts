import { onRealTime, type TenantFilter } from "../clock";
import { database } from "../db/client";
import type { Bindings } from "../env";
import { log } from "../http/logger";
import { closePeriods, PERIOD_CLOSE_CRON } from "../invoices/period-close";
import { runScheduledSyncs, SPEND_SYNC_CRON } from "../spend/sync/scheduled";
import { runCostAlerts } from "../realtime/cost-alerts";
import { runSubscriptionJobs } from "../subscriptions/jobs";
import { reconcileMeters } from "../subscriptions/meter-reconcile";
import { reconcileAllMeterQuotas } from "../quotas/meter-sync";
import { OUTBOX_CRON, sweepOutbox } from "../wiring/outbox";
import { sweepAlertCrossings } from "../alerts";
import { emitTrialReminders } from "../subscriptions/trial-reminders";

import { HOUR_MS } from "../lib/time";

type Job = [name: string, run: () => Promise<unknown>];

export const invoiceGraceMs = (env: Bindings) => Number(env.INVOICE_GRACE_HOURS ?? 0) * HOUR_MS;

/** The hourly jobs that act on tenants' billing at time `at`: roll-overs and resumes, cost alerts, trial notices. */
function hourlyTenantJobs(env: Bindings, at: number, tenants: TenantFilter): Job[] {
  return [
    ["subscriptions", () => runSubscriptionJobs(env, at, tenants)],
    ["cost alerts", () => runCostAlerts(env, database(env.DB), at, tenants)],
    ["trial reminders", () => emitTrialReminders(database(env.DB), at, tenants)],
  ];
}

/** The daily period close at time `at` for `tenants`: roll-overs, drafts, finalization after the grace period. */
function periodCloseJob(env: Bindings, at: number, tenants: TenantFilter): Job {
  return ["period close", () => closePeriods(env, at, invoiceGraceMs(env), tenants)];
}

/**
 * Everything the cron does to tenants' billing, run at `at` for the tenants of a test clock
 * (src/test-clocks): the same code, in the order the triggers would run it.
 */
export function runTenantJobsAt(env: Bindings, at: number, tenants: TenantFilter): Promise<void> {
  return runJobs([...hourlyTenantJobs(env, at, tenants), periodCloseJob(env, at, tenants)]);
}

/**
 * Cron Triggers (wrangler.toml `[triggers]`): dispatches each schedule to its jobs, on real
 * time (tenants on a test clock move only when their clock does).
 */
export async function runScheduled(controller: ScheduledController, env: Bindings, _ctx: ExecutionContext): Promise<void> {
  const at = controller.scheduledTime;
  log("info", "scheduled", { cron: controller.cron, scheduledTime: new Date(at).toISOString() });
  const jobs: Job[] = [];
  if (controller.cron === SPEND_SYNC_CRON) {
    // Hourly: subscription roll-overs and auto-resumes, alerts, meter upkeep, then provider spend syncs.
    jobs.push(...hourlyTenantJobs(env, at, onRealTime));
    jobs.push(["alert crossings", () => sweepAlertCrossings(env, at)]);
    jobs.push(["meter reconciliation", () => reconcileMeters(env, at)]);
    jobs.push(["meter quota reconciliation", () => reconcileAllMeterQuotas(env, database(env.DB))]);
    jobs.push([
      "spend sync",
      () => runScheduledSyncs(database(env.DB), env as unknown as Record<string, unknown>, at, { fetch: (input, init) => fetch(input, init), clock: Date.now }),
    ]);
  }
  if (controller.cron === OUTBOX_CRON) {
    jobs.push(["outbox", () => sweepOutbox(env, at)]);
  }
  if (controller.cron === PERIOD_CLOSE_CRON) {
    jobs.push(periodCloseJob(env, at, onRealTime));
  }
  await runJobs(jobs);
}

/** Jobs run one after another; one failing does not stop the others, and the run still fails afterwards (so it shows in the Cron Events log). */
async function runJobs(jobs: Job[]): Promise<void> {
  const failures: unknown[] = [];
  for (const [name, run] of jobs) {
    await run().catch((err: unknown) => {
      log("error", "scheduled job failed", { job: name, error: err instanceof Error ? err.message : String(err) });
      failures.push(err);
    });
  }
  if (failures.length) throw failures[0];
}
