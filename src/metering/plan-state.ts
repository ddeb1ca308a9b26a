import type { Bindings } from "../env";
import type { PlanFeature, PlanMeter } from "../plans/schemas";
import type { RoundingMode } from "../money/rounding";

/**
 * What a tenant's meter must know about one of its subscriptions to enforce plan
 * limits, billing-period quotas and pauses. Subscriptions push it on every change
 * (the meter never reads subscription tables), so the hot path needs no D1 read.
 */
export interface MeterPlanState {
  subscriptionId: string;
  /** Usage with this projectId is governed by this subscription; null = the tenant-wide one. */
  projectId: string | null;
  planId: string;
  status: "trialing" | "active" | "paused" | "past_due" | "canceled";
  /** Current billing period [periodStart, periodEnd), epoch ms. */
  periodStart: number;
  periodEnd: number;
  /** The plan's meters: aggregation, limit (per billing period) and enforcement. */
  meters: PlanMeter[];
  /** The plan version's currency: what a wallet pays its usage in. */
  currency?: string;
  /**
   * From when the current plan version prices usage in the current period (a plan change
   * starts a new count, as its invoice prices each version's usage on its own); null while
   * usage is not billed (a trial whose plan does not bill trial usage, a pause).
   */
  pricedFrom?: number | null;
  /** The tenant's rounding mode, so real-time prices round as its invoices do. */
  roundingMode?: RoundingMode;
  /**
   * The plan's features (src/entitlements answers them from this state). Absent in a state
   * pushed before plans had features: it then has none until the hourly reconciliation, which
   * compares features too, pushes the current state.
   */
  features?: PlanFeature[];
  /** The subscription row's version in D1; the meter ignores a push older than what it holds. */
  version?: number;
}

/** Tells the tenant's meter the subscription's current state (idempotent; last write wins). */
export async function pushPlanState(env: Bindings, tenantId: string, state: MeterPlanState): Promise<void> {
  await env.TENANT_METER.getByName(tenantId).setPlanState(state);
}
