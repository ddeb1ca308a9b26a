import type { Bindings } from "../env";
import { log } from "../http/logger";
import { closePeriods, PERIOD_CLOSE_CRON } from "../invoices/period-close";
import { runSubscriptionJobs } from "../subscriptions/jobs";

export const HOURLY = "0 * * * *";
const HOUR = 3_600_000;

/** Cron Triggers (wrangler.toml `[triggers]`): dispatches each schedule to its jobs. */
export async function runScheduled(controller: ScheduledController, env: Bindings, _ctx: ExecutionContext): Promise<void> {
  log("info", "scheduled", { cron: controller.cron, scheduledTime: new Date(controller.scheduledTime).toISOString() });
  switch (controller.cron) {
    case HOURLY:
      await runSubscriptionJobs(env, controller.scheduledTime);
      break;
    case PERIOD_CLOSE_CRON:
      await closePeriods(env, controller.scheduledTime, Number(env.INVOICE_GRACE_HOURS ?? 0) * HOUR);
      break;
  }
}
