import config from "../../config.json";
import type { Aggregation } from "../plans/schemas";
import type { MeterPlanState } from "./plan-state";

/** How a metric aggregates. */
export interface MeterDef {
  metric: string;
  aggregation: Aggregation;
  /** The event property whose distinct values `unique_count` counts. */
  uniqueProperty?: string;
}

/** The meters that exist out of the box (`config.json` → `billing.meters`). */
const BUILT_IN: ReadonlyMap<string, MeterDef> = new Map(
  Object.entries(config.billing.meters as Record<string, { aggregation: Aggregation }>).map(([metric, m]) => [metric, { metric, aggregation: m.aggregation }]),
);

const statusRank = (s: MeterPlanState) => (s.status === "canceled" ? 1 : 0);

/**
 * A tenant's meters: a metric aggregates the way the plans of its subscriptions
 * say (live subscriptions before canceled ones, the tenant-wide one first), else
 * as the built-in meter says, else `sum`.
 */
export function meterDefinitions(states: Iterable<MeterPlanState>): Map<string, MeterDef> {
  const ordered = [...states].sort((a, b) => statusRank(a) - statusRank(b) || Number(a.projectId !== null) - Number(b.projectId !== null));
  const defs = new Map<string, MeterDef>(BUILT_IN);
  const fromPlans = new Map<string, MeterDef>();
  for (const state of ordered) {
    for (const m of state.meters) {
      if (fromPlans.has(m.metric)) continue;
      fromPlans.set(m.metric, {
        metric: m.metric,
        aggregation: m.aggregation,
        ...(m.uniqueProperty ? { uniqueProperty: m.uniqueProperty } : {}),
      });
    }
  }
  for (const [metric, def] of fromPlans) defs.set(metric, def);
  return defs;
}

export const meterOf = (defs: ReadonlyMap<string, MeterDef>, metric: string): MeterDef => defs.get(metric) ?? { metric, aggregation: "sum" };
