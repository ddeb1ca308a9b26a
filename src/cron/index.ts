import type { Bindings } from "../env";
import { database } from "../db/client";
import { log } from "../http/logger";
import { runScheduledSyncs, SPEND_SYNC_CRON } from "../spend/sync/scheduled";

/** Cron Triggers (wrangler.toml `[triggers]`): dispatches each schedule to its jobs. */
export async function runScheduled(controller: ScheduledController, env: Bindings, _ctx: ExecutionContext): Promise<void> {
  log("info", "scheduled", { cron: controller.cron, scheduledTime: new Date(controller.scheduledTime).toISOString() });
  switch (controller.cron) {
    case SPEND_SYNC_CRON:
      await runScheduledSyncs(database(env.DB), env as unknown as Record<string, unknown>, controller.scheduledTime, {
        fetch: (input, init) => fetch(input, init),
        clock: Date.now,
      });
      break;
  }
}
