import type { Bindings } from "../env";
import { log } from "../http/logger";

/** Cron Triggers (wrangler.toml `[triggers]`): dispatches each schedule to its jobs. */
export async function runScheduled(controller: ScheduledController, _env: Bindings, _ctx: ExecutionContext): Promise<void> {
  log("info", "scheduled", { cron: controller.cron, scheduledTime: new Date(controller.scheduledTime).toISOString() });
}
