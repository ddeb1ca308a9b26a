import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { env } from "cloudflare:workers";
import { and, eq, isNull } from "drizzle-orm";
import { database } from "../../src/db/client";
import { outbox } from "../../src/outbox/table";
import { sweepOutbox } from "../../src/wiring/outbox";
import { meterStateOf } from "../../src/subscriptions/meter-sync";
import { reconcileMeters } from "../../src/subscriptions/meter-reconcile";
import { findSubscription } from "../../src/subscriptions/queries";
import { phaseStatement, planOf } from "../../src/subscriptions/phases";
import { commitSubscription } from "../../src/subscriptions/store";
import { ensurePlan } from "../subscriptions/fixtures";
import { call, token } from "../helpers";

const db = database(env.DB);

afterEach(() => {
  vi.restoreAllMocks();
});

beforeAll(async () => {
  await ensurePlan({ id: "ms-plan", basePrice: 500 });
  await ensurePlan({ id: "ms-featured", basePrice: 500, features: [{ key: "sso", type: "boolean", value: true }] });
});

async function subscribed(tenant: string) {
  const t = await token({ tenant });
  const res = await call("POST", `tenants/${tenant}/subscriptions`, { token: t, body: { planId: "ms-plan", trial: false } });
  expect(res.status, res.text).toBe(201);
  return { t, id: res.json.data.id as string };
}

const useOnce = async (tenant: string, t: string) =>
  (await call("POST", `tenants/${tenant}/usage`, { token: t, body: { eventId: crypto.randomUUID(), metric: "apiCalls", quantity: 1 } })).status;

/** A pause committed to D1 whose push to the meter never happened (the request died, or the push failed). */
async function pauseWithoutPush(id: string) {
  const row = (await findSubscription(db, id))!;
  const now = Date.now();
  return commitSubscription(db, row, { status: "paused", pausedAt: now, resumesAt: null }, now, [
    phaseStatement(db, row, now, { state: "paused", plan: planOf(row), fee: null }, now),
  ]);
}

describe("the meter's subscription state goes through the outbox", () => {
  it("a state whose push failed reaches the meter with the next sweep", async () => {
    const tenant = "ms-sweep";
    const { t, id } = await subscribed(tenant);
    const paused = await pauseWithoutPush(id);
    const pending = await db
      .select()
      .from(outbox)
      .where(and(eq(outbox.tenantId, tenant), eq(outbox.kind, "meter.state"), isNull(outbox.doneAt)));
    expect(pending.map((r) => r.id)).toEqual([`ms_${id}_${paused.version}`]);
    expect(await useOnce(tenant, t)).toBe(200); // the meter does not know yet

    await sweepOutbox(env, Date.now());
    expect(await useOnce(tenant, t)).toBe(402);
    const done = await db
      .select()
      .from(outbox)
      .where(eq(outbox.id, `ms_${id}_${paused.version}`))
      .get();
    expect(done!.doneAt).not.toBeNull();
  });

  it("a request that pushed the state itself marks its outbox row done", async () => {
    const tenant = "ms-inline";
    const { t, id } = await subscribed(tenant);
    expect((await call("POST", `subscriptions/${id}/pause`, { token: t, body: {} })).status).toBe(200);
    const rows = await db
      .select()
      .from(outbox)
      .where(and(eq(outbox.tenantId, tenant), eq(outbox.kind, "meter.state")));
    expect(rows).toHaveLength(2);
    expect(rows.every((r) => r.doneAt !== null)).toBe(true);
    expect(await useOnce(tenant, t)).toBe(402);
  });

  it("the reconciliation compares every live meter with D1 and repairs the drift, logging it", async () => {
    const tenant = "ms-drift";
    const { t, id } = await subscribed(tenant);
    expect((await call("POST", `subscriptions/${id}/pause`, { token: t, body: {} })).status).toBe(200);
    // The meter lost the pause (e.g. a stale push raced it); no outbox row is left to deliver.
    const row = (await findSubscription(db, id))!;
    await env.TENANT_METER.getByName(tenant).setPlanState({ ...(await meterStateOf(db, row)), status: "active" });
    expect(await useOnce(tenant, t)).toBe(200);

    const result = await reconcileMeters(env, Date.now());
    expect(result.repaired.filter((r) => r.tenant === tenant)).toEqual([
      expect.objectContaining({ subscriptionId: id, d1: expect.objectContaining({ status: "paused" }), meter: expect.objectContaining({ status: "active" }) }),
    ]);
    expect(await useOnce(tenant, t)).toBe(402);
    // Nothing left to repair.
    expect((await reconcileMeters(env, Date.now())).repaired.filter((r) => r.tenant === tenant)).toEqual([]);
  });

  it("the meter ignores a push older than the state it holds", async () => {
    const tenant = "ms-version";
    const { t, id } = await subscribed(tenant);
    const before = (await findSubscription(db, id))!;
    expect((await call("POST", `subscriptions/${id}/pause`, { token: t, body: {} })).status).toBe(200);
    // A late push of the state before the pause arrives after it.
    await env.TENANT_METER.getByName(tenant).setPlanState(await meterStateOf(db, before));
    expect(await useOnce(tenant, t)).toBe(402);
  });

  it("a state pushed before plans had features is repaired by the reconciliation, and the features appear", async () => {
    const tenant = "ms-features";
    const t = await token({ tenant });
    const res = await call("POST", `tenants/${tenant}/subscriptions`, { token: t, body: { planId: "ms-featured", trial: false } });
    expect(res.status, res.text).toBe(201);
    const row = (await findSubscription(db, res.json.data.id))!;
    const { features: _, ...legacy } = await meterStateOf(db, row);
    await env.TENANT_METER.getByName(tenant).setPlanState(legacy);
    expect((await call("GET", `tenants/${tenant}/entitlements`, { token: t })).json.data.features).toEqual([]);

    const result = await reconcileMeters(env, Date.now());
    expect(result.repaired.filter((r) => r.tenant === tenant)).toEqual([expect.objectContaining({ subscriptionId: row.id })]);
    expect((await call("GET", `tenants/${tenant}/entitlements`, { token: t })).json.data.features).toEqual([
      { key: "sso", type: "boolean", enabled: true, value: true },
    ]);
  });
});
