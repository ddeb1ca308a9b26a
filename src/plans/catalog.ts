import config from "../../config.json";
import { CreatePlan, type PlanMeter } from "./schemas";

/**
 * The plans shipped in config.json, as the rows migration 0002 seeds.
 *
 * `billing.plans` keeps seed 003's shape (per-plan limits for each meter);
 * `billing.catalog` adds what a price list needs; `billing.meters` says how each
 * meter aggregates. A limit from `billing.plans` becomes a hard per-period limit.
 */
export function catalogPlans(): CreatePlan[] {
  const { plans: limits, catalog, meters: meterDefs } = config.billing;
  return Object.entries(catalog).map(([id, entry]) => {
    const planLimits: Record<string, number> = (limits as Record<string, Record<string, number>>)[id] ?? {};
    const priced = new Map<string, Partial<PlanMeter>>(("meters" in entry ? (entry.meters as Partial<PlanMeter>[]) : []).map((m) => [m.metric!, m]));
    const metrics = new Set([...Object.keys(planLimits), ...priced.keys()]);
    const meters = [...metrics].map((metric) => ({
      metric,
      aggregation: (meterDefs as Record<string, { aggregation: string }>)[metric]?.aggregation ?? "sum",
      ...priced.get(metric),
      limit: planLimits[metric] ?? null,
    }));
    return CreatePlan.parse({ id, currency: config.currency, ...entry, meters });
  });
}

export const serviceConfig = { version: config.version, currency: config.currency };
