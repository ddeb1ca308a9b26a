import type { Db } from "../db/client";
import type { Bindings } from "../env";
import { log } from "../http/logger";
import type { MeterPlanState } from "../metering/plan-state";
import { pushPlanState } from "../metering/plan-state";
import { markCoveredDone, outboxStatement, type OutboxHandler, type Statement } from "../outbox";
import { findPlanVersion } from "../plans/service";
import { tenantRoundingMode } from "../tenants/service";
import { findSubscription } from "./queries";
import { billsUsage, periodSegments, type Segment } from "./segments";
import type { SubscriptionRow } from "./table";

/**
 * The subscription state the tenant's meter (a Durable Object) enforces: the limits of the
 * plan version it is on for the current period (and its features), and no usage while paused. Every subscription write puts a `meter.state`
 * outbox row in its own batch (meterStateStatement), so the push cannot be lost: the request
 * pushes at once (syncMeter) and marks it done; if that fails, the outbox dispatcher pushes
 * the state D1 holds then, retrying until it lands; and the hourly reconciliation compares
 * every live meter with D1 and repairs what still differs. The version makes a late push of
 * an older state harmless.
 */
export const METER_STATE_KIND = "meter.state";

export function meterStateStatement(db: Db, row: SubscriptionRow, now: number): Statement {
  return outboxStatement(db, {
    id: `ms_${row.id}_${row.version}`,
    tenantId: row.tenantId,
    kind: METER_STATE_KIND,
    payload: { subscriptionId: row.id, version: row.version },
    at: now,
  });
}

export async function meterStateOf(db: Db, row: SubscriptionRow): Promise<MeterPlanState> {
  const [plan, roundingMode, segments] = await Promise.all([
    findPlanVersion(db, row.planId, row.planVersion),
    tenantRoundingMode(db, row.tenantId),
    periodSegments(db, row, { periodStart: row.currentPeriodStart, periodEnd: row.currentPeriodEnd }),
  ]);
  return {
    subscriptionId: row.id,
    projectId: row.projectId,
    planId: row.planId,
    status: row.status,
    periodStart: row.currentPeriodStart,
    periodEnd: row.currentPeriodEnd,
    meters: plan?.meters ?? [],
    currency: row.currency,
    pricedFrom: plan ? pricedFrom(segments, row, plan.trialUsage) : null,
    roundingMode,
    features: plan?.features ?? [],
    version: row.version,
  };
}

/**
 * Where the subscription's current plan version began pricing usage in the period: the start
 * of the latest run of segments that bill usage on that version (its invoice prices each
 * version's usage on its own). Null when the latest segment bills no usage (a free trial, a
 * pause, a cancellation).
 */
function pricedFrom(segments: readonly Segment[], row: SubscriptionRow, trialUsage: "free" | "billed"): number | null {
  const onVersion = (s: Segment) => s.plan?.planId === row.planId && s.plan.version === row.planVersion && billsUsage(s, trialUsage);
  let i = segments.length - 1;
  if (i < 0 || !onVersion(segments[i]!)) return null;
  while (i > 0 && onVersion(segments[i - 1]!)) i--;
  return segments[i]!.from;
}

/**
 * After a change committed: push it now, so the next usage request already sees it, and
 * mark its outbox rows done. A failure is only logged: the outbox row stays and the
 * dispatcher delivers it.
 */
export async function syncMeter(env: Bindings, db: Db, row: SubscriptionRow): Promise<void> {
  try {
    await pushPlanState(env, row.tenantId, await meterStateOf(db, row));
  } catch (err) {
    log("warn", "meter.state_push_deferred", { tenant: row.tenantId, subscriptionId: row.id, error: (err as Error).message });
    return;
  }
  await markCoveredDone(db, METER_STATE_KIND, row.tenantId, { payload: { key: "subscriptionId", is: row.id, versionAtMost: row.version } }, Date.now()).catch(
    (err: Error) => log("warn", "meter.state_mark_failed", { subscriptionId: row.id, error: err.message }),
  );
}

/** The outbox handler: pushes the state D1 holds now (never an older one than the row named). */
export const deliverMeterState: OutboxHandler = async (env, db, row) => {
  const { subscriptionId } = row.payload as { subscriptionId: string };
  const current = await findSubscription(db, subscriptionId);
  if (!current) return;
  await pushPlanState(env, current.tenantId, await meterStateOf(db, current));
};
