import type { MeterPlanState } from "./plan-state";
import { maxOf, toNumber } from "./quantity";
import type { PlanFeature } from "../plans/schemas";
import type { Enforcement } from "./quota-rules";
import { iso } from "../lib/time";

/**
 * Entitlements: what the governing subscription's plan grants, now. Pure: the tenant's meter
 * (src/metering/tenant-meter.ts) passes the governing plan state it holds and, for a metered
 * feature, the quotas in force on its metric as it evaluates them for `check()`, so the answer
 * needs no D1 read and agrees with what the meter would accept.
 */

/** One quota in force on a metric, with the counter's value before and after the quantity asked about (nano-units). */
export interface QuotaProbe {
  quotaId: string;
  enforcement: Enforcement;
  limit: bigint;
  before: bigint;
  after: bigint;
  /** Epoch ms: the end of the quota's current window. */
  resetsAt: number;
}

/** What the meter knows of a metric now: the quotas on it, and its usage in the governing billing period. */
export interface MetricProbe {
  quotas: QuotaProbe[];
  period: { used: bigint; end: number } | null;
}

export type FeatureType = PlanFeature["type"];

export interface FeatureState {
  key: string;
  type: FeatureType;
  /** Usable now: a boolean feature that is on, any feature of a subscription not paused, a metered one with room under its hard limits. */
  enabled: boolean;
  /** boolean and static features: the plan's value. */
  value?: boolean | string | number;
  /** metered features: the binding quota (null: unlimited), what is used in its window, what is left and when it resets. */
  limit?: number | null;
  used?: number;
  remaining?: number | null;
  resetsAt?: string | null;
}

export interface Entitlements {
  planId: string | null;
  subscriptionId: string | null;
  features: FeatureState[];
}

export type EntitlementReason = "FEATURE_DISABLED" | "SUBSCRIPTION_PAUSED" | "QUOTA_EXCEEDED";

export type EntitlementCheck = FeatureState & { allowed: boolean; reason?: EntitlementReason };

/** Every feature of the governing plan; none without a governing subscription. */
export function entitlementsOf(governing: MeterPlanState | null, probe: (metric: string) => MetricProbe): Entitlements {
  if (!governing) return { planId: null, subscriptionId: null, features: [] };
  return {
    planId: governing.planId,
    subscriptionId: governing.subscriptionId,
    features: (governing.features ?? []).map((f) => stateOf(governing, f, probe).state),
  };
}

/**
 * One feature, and whether using it (`quantity` more of a metered one, as the meter would
 * count it) is allowed now. Null when the governing plan has no such feature.
 */
export function entitlementOf(governing: MeterPlanState | null, key: string, probe: (metric: string) => MetricProbe): EntitlementCheck | null {
  const feature = governing?.features?.find((f) => f.key === key);
  if (!governing || !feature) return null;
  const { state, breach } = stateOf(governing, feature, probe);
  const reason: EntitlementReason | undefined =
    feature.type === "boolean" && !feature.value
      ? "FEATURE_DISABLED"
      : governing.status === "paused"
        ? "SUBSCRIPTION_PAUSED"
        : breach
          ? "QUOTA_EXCEEDED"
          : undefined;
  const { key: _, ...rest } = state;
  return reason ? { key, allowed: false, reason, ...rest } : { key, allowed: true, ...rest };
}

function stateOf(governing: MeterPlanState, f: PlanFeature, probe: (metric: string) => MetricProbe): { state: FeatureState; breach: boolean } {
  const paused = governing.status === "paused";
  if (f.type === "boolean") return { state: { key: f.key, type: f.type, enabled: f.value && !paused, value: f.value }, breach: false };
  if (f.type === "static") return { state: { key: f.key, type: f.type, enabled: !paused, value: f.value }, breach: false };
  const { quotas, period } = probe(f.metric);
  if (quotas.length === 0) {
    const usage = { used: period ? toNumber(period.used) : 0, limit: null, remaining: null, resetsAt: period ? iso(period.end) : null };
    return { state: { key: f.key, type: f.type, enabled: !paused, ...usage }, breach: false };
  }
  // The binding quota, as check() picks it: the hard one the quantity would pass, else the one with least room.
  const breach = quotas.find((q) => q.enforcement === "hard" && q.after > q.limit);
  const binding = breach ?? quotas.reduce((a, b) => (b.limit - b.before < a.limit - a.before ? b : a));
  const exhausted = quotas.some((q) => q.enforcement === "hard" && q.before >= q.limit);
  return {
    state: {
      key: f.key,
      type: f.type,
      enabled: !paused && !exhausted,
      limit: toNumber(binding.limit),
      used: toNumber(binding.before),
      remaining: toNumber(maxOf(binding.limit - binding.before, 0n)),
      resetsAt: iso(binding.resetsAt),
    },
    breach: breach !== undefined,
  };
}
