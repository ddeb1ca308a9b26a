import type { Db } from "../db/client";
import type { Bindings } from "../env";
import { log } from "../http/logger";
import { pushPlanState } from "../metering/plan-state";
import { findPlanVersion } from "../plans/service";
import type { SubscriptionRow } from "./table";

/**
 * Tells the tenant's meter (a Durable Object) the subscription's state after every change,
 * so it enforces the limits of the plan version it is on for the current period and refuses usage while paused.
 * D1 is already committed when this runs: a failed push is retried once, then logged; the
 * next change or roll-over pushes the full state again (last write wins).
 */
export async function syncMeter(db: Db, env: Bindings, row: SubscriptionRow): Promise<void> {
  const plan = await findPlanVersion(db, row.planId, row.planVersion);
  const state = {
    subscriptionId: row.id,
    projectId: row.projectId,
    planId: row.planId,
    status: row.status,
    periodStart: row.currentPeriodStart,
    periodEnd: row.currentPeriodEnd,
    meters: plan?.meters ?? [],
  };
  for (let attempt = 1; ; attempt++) {
    try {
      await pushPlanState(env, row.tenantId, state);
      return;
    } catch (err) {
      if (attempt >= 2) {
        log("error", "plan state push failed", { tenant: row.tenantId, subscriptionId: row.id, error: (err as Error).message });
        return;
      }
    }
  }
}
