import { env } from "cloudflare:workers";
import { pushPlanState, type MeterPlanState } from "../../src/metering/plan-state";
import type { PlanMeter } from "../../src/plans/schemas";
import { call, token } from "../helpers";

/** A tenant id no other test uses (storage is shared within a file). */
export const newTenant = (prefix: string) => `${prefix}-${crypto.randomUUID().slice(0, 8)}`;

export const writer = (tenant: string) => token({ tenant, scope: "usage:write billing:read billing:update" });

export const meter = (tenant: string) => env.TENANT_METER.getByName(tenant);

export async function recordEvent(tenant: string, t: string, body: unknown) {
  return call("POST", `tenants/${tenant}/usage`, { token: t, body });
}

export interface SummaryItem {
  metric: string;
  aggregation: string;
  key: string | null;
  quantity: string;
  events: number;
  rejected: number;
}

export async function summary(tenant: string, t: string, query = ""): Promise<SummaryItem[]> {
  const res = await call("GET", `tenants/${tenant}/usage/summary${query ? `?${query}` : ""}`, { token: t });
  if (res.status !== 200) throw new Error(`summary ${res.status}: ${res.text}`);
  return res.json.data.items;
}

export const item = (items: SummaryItem[], metric: string, key: string | null = null) => items.find((i) => i.metric === metric && i.key === key);

export function meterSpec(metric: string, over: Partial<PlanMeter> = {}): PlanMeter {
  return { metric, aggregation: "sum", includedQuantity: 0, limit: null, enforcement: "hard", price: null, ...over };
}

export async function subscribe(tenant: string, over: Partial<MeterPlanState> & { meters: PlanMeter[] }): Promise<MeterPlanState> {
  const now = Date.now();
  const state: MeterPlanState = {
    subscriptionId: `sub_${crypto.randomUUID().slice(0, 8)}`,
    projectId: null,
    planId: "test-plan",
    status: "active",
    periodStart: now - 86_400_000,
    periodEnd: now + 29 * 86_400_000,
    ...over,
  };
  await pushPlanState(env, tenant, state);
  return state;
}

/** ISO window around now wide enough for every test event, for summaries that must not depend on the month. */
export const around = (now = Date.now()) => `from=${new Date(now - 40 * 86_400_000).toISOString()}&to=${new Date(now + 86_400_000).toISOString()}`;
