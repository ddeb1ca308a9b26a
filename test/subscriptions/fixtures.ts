import { env } from "cloudflare:workers";
import { database, type Db } from "../../src/db/client";
import type { Bindings } from "../../src/env";
import type { MeterPlanState } from "../../src/metering/plan-state";
import { CreatePlan } from "../../src/plans/schemas";
import { createPlan, findPlan } from "../../src/plans/service";
import type { Caller } from "../../src/subscriptions/service";

export const db: Db = database(env.DB);
export const at = (iso: string) => Date.parse(iso);
export const DAY = 86_400_000;

/** Creates the plan once per test file (storage is shared within a file). */
export async function ensurePlan(input: Partial<CreatePlan> & { id: string; basePrice: number }) {
  const existing = await findPlan(db, input.id);
  if (existing) return existing;
  return createPlan(db, CreatePlan.parse({ name: input.id, ...input }), Date.now());
}

/** Monthly USD plans at $29 and $99, a yearly one, a EUR one, and one with a trial. */
export async function standardPlans() {
  return {
    basic: await ensurePlan({ id: "basic-29", name: "Basic", basePrice: 2900, meters: [{ metric: "apiCalls", limit: 1000 }] as CreatePlan["meters"] }),
    premium: await ensurePlan({ id: "premium-99", name: "Premium", basePrice: 9900 }),
    yearly: await ensurePlan({ id: "basic-yearly", name: "Basic yearly", basePrice: 29000, interval: "year" }),
    euro: await ensurePlan({ id: "euro-19", name: "Euro", basePrice: 1900, currency: "EUR" }),
    trial: await ensurePlan({ id: "trial-49", name: "Trial 49", basePrice: 4900, trialDays: 14 }),
  };
}

export const tenantCaller = (tenant: string): Caller => ({ owner: tenant, admin: false, actor: "user-1" });
export const adminCaller: Caller = { owner: null, admin: true, actor: "operator" };

/** The real bindings, with the tenant meter replaced by a recorder of every plan-state push and cut. */
export function recordingEnv(): { env: Bindings; pushes: Array<MeterPlanState & { tenant: string }>; cuts: number[] } {
  const pushes: Array<MeterPlanState & { tenant: string }> = [];
  const cuts: number[] = [];
  const meter = {
    getByName: (tenant: string) => ({
      setPlanState: async (state: MeterPlanState) => {
        pushes.push({ tenant, ...state });
      },
      cut: async (at: number) => {
        cuts.push(at);
      },
    }),
  };
  return { env: { ...env, TENANT_METER: meter as unknown as Bindings["TENANT_METER"] }, pushes, cuts };
}
