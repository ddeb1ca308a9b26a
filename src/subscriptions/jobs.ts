import { database } from "../db/client";
import type { Bindings } from "../env";
import { purgeExpiredIdempotencyKeys } from "../http/idempotency";
import { log } from "../http/logger";
import { onRealTime, type TenantFilter } from "../clock";
import { advanceSubscriptions } from "./rollover";

/**
 * Hourly: rolls every subscription over its ended period (freezing it in
 * `subscription_periods` for the invoicing run), resumes pauses whose `resumesAt` has come,
 * and forgets Idempotency-Keys past their 24 hours. Each step is idempotent.
 */
export async function runSubscriptionJobs(env: Bindings, now: number, tenants: TenantFilter = onRealTime): Promise<void> {
  const db = database(env.DB);
  const { advanced } = await advanceSubscriptions(env, db, now, tenants);
  // Keys of every tenant share one table and expire on real time: only the real-time run
  // forgets them (a clock's run at its own time would forget everyone else's).
  const purged = tenants === onRealTime ? await purgeExpiredIdempotencyKeys(db, now) : 0;
  log("info", "subscription jobs", { advanced, purgedIdempotencyKeys: purged });
}
