import { and, eq, gt, lte } from "drizzle-orm";
import { onRealTime, type TenantFilter } from "../clock";
import type { Db } from "../db/client";
import { iso } from "../lib/time";
import { eventStatement, onceEventId } from "../webhooks";
import { toSubscription } from "./queries";
import { subscriptions } from "./table";

/** How long before a trial ends its tenant hears of it. */
export const TRIAL_NOTICE_MS = 3 * 86_400_000;

/**
 * Hourly: `subscription.trial_will_end` for every trial ending within three days, once per
 * trial (the event id is derived from the subscription and its trial end, so later runs, or a
 * run that overlaps, write nothing new).
 */
export async function emitTrialReminders(db: Db, now: number, tenants: TenantFilter = onRealTime): Promise<{ emitted: number }> {
  const ending = await db
    .select()
    .from(subscriptions)
    .where(
      and(
        eq(subscriptions.status, "trialing"),
        gt(subscriptions.trialEnd, now),
        lte(subscriptions.trialEnd, now + TRIAL_NOTICE_MS),
        tenants(subscriptions.tenantId),
      ),
    );
  for (const row of ending) {
    const { discounts: _, ...subscription } = toSubscription(row);
    await db.batch([
      eventStatement(db, {
        id: onceEventId("subscription.trial_will_end", row.id, String(row.trialEnd)),
        tenantId: row.tenantId,
        type: "subscription.trial_will_end",
        data: { subscription, trialEnd: iso(row.trialEnd!) },
        at: now,
      }),
    ]);
  }
  return { emitted: ending.length };
}
