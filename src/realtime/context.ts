import type { Db } from "../db/client";
import type { Bindings } from "../env";
import { calendarWindow, type Window } from "../metering/periods";
import type { Plan } from "../plans/schemas";
import { findPlanVersion } from "../plans/service";
import type { RoundingMode } from "../money/rounding";
import { priceMeter } from "../pricing/price";
import { findLiveSubscription } from "../subscriptions/queries";
import { catchUp } from "../subscriptions/rollover";
import { usageScopeAt } from "../subscriptions/segments";
import type { SubscriptionRow } from "../subscriptions/queries";
import { tenantRoundingMode } from "../tenants/service";

/**
 * What pricing a tenant's live usage needs: its subscription (rolled forward to now, as the
 * preview does), the plan usage is priced at, whose usage it bills, and the current period.
 * Without a subscription the period is the calendar month (as the meter's) and nothing is priced.
 */
export interface CostContext {
  tenantId: string;
  sub: SubscriptionRow | null;
  plan: Plan | undefined;
  /** readUsage's project filter: the usage the subscription bills now (its current segment's scope). */
  scope: { projectId?: string; excludeProjectIds?: string[] };
  period: Window;
  currency: string | null;
  roundingMode: RoundingMode;
}

export async function costContext(env: Bindings, db: Db, tenantId: string, now: number): Promise<CostContext> {
  const [live, roundingMode] = await Promise.all([findLiveSubscription(db, tenantId), tenantRoundingMode(db, tenantId)]);
  if (!live) return { tenantId, sub: null, plan: undefined, scope: {}, period: calendarWindow("month", now), currency: null, roundingMode };
  const sub = await catchUp(env, db, live, now);
  const [plan, scope] = await Promise.all([findPlanVersion(db, sub.planId, sub.planVersion), usageScopeAt(db, sub, now)]);
  return { tenantId, sub, plan, scope, period: { start: sub.currentPeriodStart, end: sub.currentPeriodEnd }, currency: sub.currency, roundingMode };
}

/** The period charge for `quantity` of `metric` under the plan (0 when the plan does not price it). */
export function meterCharge(plan: Plan | undefined, metric: string, quantity: string, mode: RoundingMode): number {
  const meter = plan?.meters.find((m) => m.metric === metric);
  if (!meter?.price) return 0;
  return priceMeter(meter.price, quantity, meter.includedQuantity, mode).amount;
}

export const subscriptionRef = (sub: SubscriptionRow | null) => (sub ? { id: sub.id, planId: sub.planId, status: sub.status, projectId: sub.projectId } : null);
