import type { Bindings } from "../env";
import { log } from "../http/logger";
import { runSubscriptionJobs } from "../subscriptions/jobs";

export const HOURLY = "0 * * * *";

/** Cron Triggers (wrangler.toml `[triggers]`): dispatches each schedule to its jobs. */
export async function runScheduled(controller: ScheduledController, env: Bindings, _ctx: ExecutionContext): Promise<void> {
  log("info", "scheduled", { cron: controller.cron, scheduledTime: new Date(controller.scheduledTime).toISOString() });
  if (controller.cron === HOURLY) await runSubscriptionJobs(env, controller.scheduledTime);
}
