import type { MeterPlanState } from "./plan-state";
import { decimal, quantityFromNumber, SCALE } from "./quantity";

export type QuotaPeriod = "hour" | "day" | "month" | "billing_period";
export type Enforcement = "hard" | "soft";
/** `plan`: a limit of the tenant's plan; `tenant`: a cap the tenant set itself; `operator`: set by an admin. */
export type QuotaSource = "plan" | "tenant" | "operator";

/**
 * The metric a spend cap is stored and pushed under: a cap on the period's priced usage in
 * minor units, not on a metric (metric names start with a letter, so it cannot clash).
 */
export const COST_METRIC = "$cost";

/** An explicit quota as the tenant's meter keeps it (synced from D1 `quotas`). */
export interface QuotaDefinition {
  id: string;
  metric: string;
  /** Canonical decimal string. */
  limit: string;
  period: QuotaPeriod;
  enforcement: Enforcement;
  source: Exclude<QuotaSource, "plan">;
}

/** A quota in force for one event: explicit or derived from the governing subscription's plan. */
export interface QuotaRule {
  id: string;
  metric: string;
  /** Nano-units. */
  limit: bigint;
  period: QuotaPeriod;
  enforcement: Enforcement;
  source: QuotaSource;
  /** For plan rules: the subscription whose events count. */
  subscriptionId: string | null;
}

/** Plan limits are plain numbers; one beyond exact range still limits, rounded down. */
const planLimit = (n: number): bigint => quantityFromNumber(n) ?? BigInt(Math.floor(n)) * SCALE;

/**
 * The quotas that apply to `metric` for an event governed by `governing`:
 * - every explicit quota on the metric;
 * - the governing plan's limit for the metric as a `billing_period` quota,
 *   unless an operator quota on the same metric and period overrides it.
 * A tenant's own quotas only ever add limits: they cannot loosen the plan.
 * Canceled subscriptions carry no plan quotas.
 */
export function rulesFor(metric: string, governing: MeterPlanState | null, explicit: readonly QuotaDefinition[]): QuotaRule[] {
  const rules: QuotaRule[] = explicit.map((q) => ({
    id: q.id,
    metric,
    limit: decimal(q.limit),
    period: q.period,
    enforcement: q.enforcement,
    source: q.source,
    subscriptionId: null,
  }));
  const overridden = explicit.some((q) => q.source === "operator" && q.period === "billing_period");
  if (governing && governing.status !== "canceled" && !overridden) {
    const meter = governing.meters.find((m) => m.metric === metric && m.limit !== null);
    if (meter) {
      rules.push({
        id: planQuotaId(governing.subscriptionId, metric),
        metric,
        limit: planLimit(meter.limit!),
        period: "billing_period",
        enforcement: meter.enforcement,
        source: "plan",
        subscriptionId: governing.subscriptionId,
      });
    }
  }
  return rules;
}

export const planQuotaId = (subscriptionId: string, metric: string) => `plan:${subscriptionId}:${metric}`;
