import { database } from "../db/client";
import type { Bindings } from "../env";
import { log } from "../http/logger";
import { closePeriods, PERIOD_CLOSE_CRON } from "../invoices/period-close";
import { runScheduledSyncs, SPEND_SYNC_CRON } from "../spend/sync/scheduled";
import { runCostAlerts } from "../realtime/alerts";
import { runSubscriptionJobs } from "../subscriptions/jobs";
import { reconcileMeters } from "../subscriptions/meter-reconcile";
import { OUTBOX_CRON, sweepOutbox } from "../outbox/runtime";
import { sweepAlertCrossings } from "../realtime/alerts";
import { emitTrialReminders } from "../subscriptions/trial-reminders";

import { HOUR_MS } from "../lib/time";

type Job = [name: string, run: () => Promise<unknown>];

/**
 * Cron Triggers (wrangler.toml `[triggers]`): dispatches each schedule to its jobs.
 * Jobs of one schedule run one after another; one failing does not stop the others, and
 * the run still fails afterwards so the failure shows in the Cron Events log.
 */
export async function runScheduled(controller: ScheduledController, env: Bindings, _ctx: ExecutionContext): Promise<void> {
  const at = controller.scheduledTime;
  log("info", "scheduled", { cron: controller.cron, scheduledTime: new Date(at).toISOString() });
  const jobs: Job[] = [];
  if (controller.cron === SPEND_SYNC_CRON) {
    // Hourly: subscription roll-overs and auto-resumes, then provider spend syncs.
    jobs.push(["subscriptions", () => runSubscriptionJobs(env, at)]);
    jobs.push(["cost alerts", () => runCostAlerts(env, database(env.DB), at)]);
    jobs.push(["alert crossings", () => sweepAlertCrossings(env, at)]);
    jobs.push(["meter reconciliation", () => reconcileMeters(env, at)]);
    jobs.push(["trial reminders", () => emitTrialReminders(database(env.DB), at)]);
    jobs.push([
      "spend sync",
      () => runScheduledSyncs(database(env.DB), env as unknown as Record<string, unknown>, at, { fetch: (input, init) => fetch(input, init), clock: Date.now }),
    ]);
  }
  if (controller.cron === OUTBOX_CRON) {
    jobs.push(["outbox", () => sweepOutbox(env, at)]);
  }
  if (controller.cron === PERIOD_CLOSE_CRON) {
    jobs.push(["period close", () => closePeriods(env, at, Number(env.INVOICE_GRACE_HOURS ?? 0) * HOUR_MS)]);
  }
  const failures: unknown[] = [];
  for (const [name, run] of jobs) {
    await run().catch((err: unknown) => {
      log("error", "scheduled job failed", { job: name, error: err instanceof Error ? err.message : String(err) });
      failures.push(err);
    });
  }
  if (failures.length) throw failures[0];
}
