import { clockStore, onClock } from "../clock";
import { invoiceGraceMs, runTenantJobsAt } from "../cron";
import { database } from "../db/client";
import type { Bindings } from "../env";
import { log } from "../http/logger";
import { nextFinalization } from "../invoices/period-close";
import { iso } from "../lib/time";
import { nextSubscriptionEvent } from "../subscriptions/rollover";

/** How long one runner invocation works before it hands over to the next (CPU and wall limits). */
const SLICE_MS = 15_000;

/**
 * Moves an advancing clock towards its target, one instant at a time: the next instant at
 * which anything of its tenants is due (a period end, a trial notice, an auto-resume, an
 * invoice's finalization after the grace period), and finally the target. At each instant it
 * runs the jobs the cron triggers run (runTenantJobsAt), for the clock's tenants only, then
 * records the instant as the clock's time, so a retry after a failure repeats at most the
 * instant it failed at (every job is idempotent). Returns "more" when its time slice is used up.
 */
export async function advanceClock(env: Bindings, clockId: string): Promise<"done" | "more"> {
  const db = database(env.DB);
  const tenants = onClock(clockId);
  const grace = invoiceGraceMs(env);
  const started = Date.now();
  for (;;) {
    const clock = await clockStore.findClockRow(db, clockId);
    if (clock?.status !== "advancing" || clock.advancingTo === null) return "done";
    const due = [await nextSubscriptionEvent(db, tenants, clock.frozenTime), await nextFinalization(db, tenants, clock.frozenTime, grace)].filter(
      (t): t is number => t !== null,
    );
    const at = Math.max(clock.frozenTime, Math.min(clock.advancingTo, ...due));

    const members = (await clockStore.tenantsOnClocks(db, [clockId])).get(clockId)!;
    for (const id of members) await env.TENANT_METER.getByName(id).setClock(at);
    await runTenantJobsAt(env, at, tenants);

    const arrived = at >= clock.advancingTo;
    await clockStore.stepClock(db, clockId, at, arrived, Date.now());
    log("debug", "test_clock.step", { clockId, at: iso(at), arrived });
    if (arrived) return "done";
    if (Date.now() - started > SLICE_MS) return "more";
  }
}
