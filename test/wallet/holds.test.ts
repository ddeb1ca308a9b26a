import { describe, expect, it } from "vitest";
import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { adminToken, call, token } from "../helpers";
import { advance, clockWith, createPlan, subscribe } from "../test-clocks/support";

/** Reserve, then settle: holds against hard quotas and the wallet, through the public API. */

async function hold(tenantId: string, body: Record<string, unknown>) {
  return call("POST", `tenants/${tenantId}/usage/holds`, { token: await adminToken(), body: { ttlSeconds: 600, metric: "tokens", ...body } });
}
const commit = async (tenantId: string, holdId: string, body: Record<string, unknown>) =>
  call("POST", `tenants/${tenantId}/usage/holds/${holdId}/commit`, { token: await adminToken(), body });
const release = async (tenantId: string, holdId: string) => call("POST", `tenants/${tenantId}/usage/holds/${holdId}/release`, { token: await adminToken() });
const openHolds = async (tenantId: string) => (await call("GET", `tenants/${tenantId}/usage/holds`, { token: await adminToken() })).json.data;

async function used(tenantId: string): Promise<string> {
  const res = await call("GET", `tenants/${tenantId}/usage/summary?metric=tokens`, { token: await adminToken() });
  expect(res.status, res.text).toBe(200);
  return res.json.data.items[0]?.quantity ?? "0";
}

describe("holds", () => {
  it("concurrent holds never exceed a hard limit, and hold room against events", async () => {
    await createPlan({ id: "h-limit", basePrice: 0, meters: [{ metric: "tokens", limit: 1000, enforcement: "hard" }] });
    const tenant = "h-limit-t";
    await subscribe(tenant, { planId: "h-limit", trial: false });
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => hold(tenant, { holdId: `h${i}`, quantity: 100 })));
    expect(results.filter((r) => r.status === 201)).toHaveLength(10);
    const refused = results.filter((r) => r.status === 402);
    expect(refused).toHaveLength(20);
    expect(refused[0]!.json.error.code).toBe("QUOTA_EXCEEDED");
    expect(await openHolds(tenant)).toHaveLength(10);
    // Held counts like used: an event has no room either.
    const event = await call("POST", `tenants/${tenant}/usage`, { token: await adminToken(), body: { eventId: "e1", metric: "tokens", quantity: 1 } });
    expect(event.status, event.text).toBe(402);
    // Commit less than held: the rest is free again; release gives all of it back.
    const first = results.findIndex((r) => r.status === 201);
    const done = await commit(tenant, `h${first}`, { quantity: 40 });
    expect(done.status, done.text).toBe(200);
    expect(done.json.data).toMatchObject({
      committed: "40",
      refused: "0",
      hold: { status: "committed", committedQuantity: "40", eventId: `hold:h${first}` },
      event: { status: "accepted" },
    });
    const second = results.findIndex((r, i) => i > first && r.status === 201);
    expect((await release(tenant, `h${second}`)).json.data.status).toBe("released");
    expect(
      (await call("POST", `tenants/${tenant}/usage`, { token: await adminToken(), body: { eventId: "e2", metric: "tokens", quantity: 160 } })).status,
    ).toBe(200);
    expect(await used(tenant)).toBe("200");
  });

  it("commit after release or expiry is 409; a retried commit is a duplicate; more than held is admitted up to the limit", async () => {
    await createPlan({ id: "h-rules", basePrice: 0, meters: [{ metric: "tokens", limit: 500, enforcement: "hard" }] });
    const tenant = "h-rules-t";
    const clockId = await clockWith("2027-04-01T00:00:00Z", [tenant]);
    await subscribe(tenant, { planId: "h-rules", trial: false });
    expect((await hold(tenant, { holdId: "a", quantity: 100 })).status).toBe(201);
    expect((await hold(tenant, { holdId: "a", quantity: 100 })).status).toBe(200);
    expect((await hold(tenant, { holdId: "a", quantity: 7 })).status).toBe(409);
    expect((await release(tenant, "a")).status).toBe(200);
    const afterRelease = await commit(tenant, "a", { quantity: 10 });
    expect(afterRelease.status).toBe(409);
    expect(afterRelease.json.error).toMatchObject({ code: "INVALID_STATE", details: { status: "released" } });
    expect((await release(tenant, "a")).status).toBe(409);
    expect((await commit(tenant, "nope", { quantity: 1 })).status).toBe(404);

    // A hold expires on the tenant's time: an advance past it and the commit is refused.
    expect((await hold(tenant, { holdId: "b", quantity: 100, ttlSeconds: 60 })).status).toBe(201);
    await advance(clockId, "2027-04-01T00:02:00Z");
    const late = await commit(tenant, "b", { quantity: 10 });
    expect(late.status).toBe(409);
    expect(late.json.error.details.status).toBe("expired");
    expect(await openHolds(tenant)).toEqual([]);

    // 300 held, 450 committed: 450 fits the 500 limit, all of it is recorded.
    expect((await hold(tenant, { holdId: "c", quantity: 300 })).status).toBe(201);
    const over = await commit(tenant, "c", { quantity: 450, eventId: "c-event" });
    expect(over.json.data).toMatchObject({ committed: "450", refused: "0" });
    const again = await commit(tenant, "c", { quantity: 450, eventId: "c-event" });
    expect(again.status, again.text).toBe(200);
    expect(again.json.data.event.status).toBe("duplicate");
    // 40 held, 100 committed with 50 left: more than the limit allows, so only the held 40 is.
    expect((await hold(tenant, { holdId: "d", quantity: 40 })).status).toBe(201);
    const capped = await commit(tenant, "d", { quantity: 100 });
    expect(capped.json.data).toMatchObject({ committed: "40", refused: "60", reason: "QUOTA_EXCEEDED" });
    expect(await used(tenant)).toBe("490");
  });

  it("a closed hold's id answers that hold (409) whether or not a new hold would fit now, and opens nothing", async () => {
    await createPlan({ id: "h-reuse", basePrice: 0, meters: [{ metric: "tokens", limit: 100, enforcement: "hard" }] });
    const tenant = "h-reuse-t";
    await subscribe(tenant, { planId: "h-reuse", trial: false });
    expect((await hold(tenant, { holdId: "r", quantity: 30 })).status).toBe(201);
    expect((await release(tenant, "r")).status).toBe(200);
    expect((await hold(tenant, { holdId: "c", quantity: 30 })).status).toBe(201);
    expect((await commit(tenant, "c", { quantity: 30 })).status).toBe(200);
    // 70 left: the same terms would fit, and are answered with the closed hold.
    for (const [holdId, status] of [
      ["r", "released"],
      ["c", "committed"],
    ]) {
      const again = await hold(tenant, { holdId, quantity: 30 });
      expect(again.status, again.text).toBe(409);
      expect(again.json.error).toMatchObject({ code: "INVALID_STATE", details: { holdId, status } });
      const other = await hold(tenant, { holdId, quantity: 31 });
      expect(other.status, other.text).toBe(409);
      expect(other.json.error.code).toBe("CONFLICT");
    }
    // Limit used up: a new hold is refused, a closed one's id still answers the hold.
    expect(
      (await call("POST", `tenants/${tenant}/usage`, { token: await adminToken(), body: { eventId: "fill", metric: "tokens", quantity: 70 } })).status,
    ).toBe(200);
    expect((await hold(tenant, { holdId: "n", quantity: 30 })).json.error.code).toBe("QUOTA_EXCEEDED");
    expect((await hold(tenant, { holdId: "r", quantity: 30 })).json.error).toMatchObject({ code: "INVALID_STATE", details: { status: "released" } });
    expect((await hold(tenant, { holdId: "c", quantity: 31 })).json.error.code).toBe("CONFLICT");
    expect(await openHolds(tenant)).toEqual([]);
    expect(await used(tenant)).toBe("100");
  });

  it("reserves money in the wallet: concurrent holds and events never overspend, and commit debits the actual usage", async () => {
    await createPlan({ id: "h-wallet", basePrice: 0, meters: [{ metric: "tokens", price: { model: "per_unit", unitPrice: "1" } }] });
    const tenant = "h-wallet-t";
    await subscribe(tenant, { planId: "h-wallet", trial: false });
    const g = await call("POST", `tenants/${tenant}/wallet/grants`, {
      token: await adminToken(),
      body: { grantId: "g", amount: 1000, currency: "USD", reason: "prepaid" },
    });
    expect(g.status, g.text).toBe(201);
    const admin = await adminToken();
    const calls = Array.from({ length: 50 }, (_, i) =>
      i % 2 === 0
        ? hold(tenant, { holdId: `w${i}`, quantity: 30 })
        : call("POST", `tenants/${tenant}/usage`, { token: admin, body: { eventId: `we${i}`, metric: "tokens", quantity: 30 } }),
    );
    const results = await Promise.all(calls);
    const ok = results.filter((r) => r.status === 200 || r.status === 201).length;
    expect(ok).toBe(33); // 33 × 30 = 990 ≤ 1000 < 34 × 30
    expect(results.filter((r) => r.status === 402).every((r) => r.json.error.code === "INSUFFICIENT_CREDITS")).toBe(true);
    const wallet = async () => (await call("GET", `tenants/${tenant}/wallet`, { token: await adminToken() })).json.data.balances[0];
    const holds = await openHolds(tenant);
    expect(holds.every((h: any) => h.amount === 30 && h.currency === "USD")).toBe(true);
    const events = ok - holds.length;
    expect(await wallet()).toEqual({ currency: "USD", available: 1000 - 30 * ok, held: 30 * holds.length });
    // Commit every hold for 20: the balance is the grant less the usage, to the cent.
    for (const h of holds) expect((await commit(tenant, h.holdId, { quantity: 20 })).status).toBe(200);
    expect(await wallet()).toEqual({ currency: "USD", available: 1000 - 30 * events - 20 * holds.length, held: 0 });
  });

  it("a commit that crosses the low-balance threshold emits credits.balance_low with its answer, not at the next alarm", async () => {
    await createPlan({ id: "h-low", basePrice: 0, meters: [{ metric: "tokens", price: { model: "per_unit", unitPrice: "1" } }] });
    const tenant = "h-low-t";
    await subscribe(tenant, { planId: "h-low", trial: false });
    const admin = await adminToken();
    expect(
      (await call("POST", `tenants/${tenant}/wallet/grants`, { token: admin, body: { grantId: "g", amount: 100, currency: "USD", reason: "prepaid" } })).status,
    ).toBe(201);
    expect((await call("PUT", `tenants/${tenant}/wallet/settings`, { token: admin, body: { policy: "block", lowBalanceThreshold: 30 } })).status).toBe(200);
    expect((await hold(tenant, { holdId: "low", quantity: 50 })).status).toBe(201);
    const done = await commit(tenant, "low", { quantity: 80 });
    expect(done.json.data, done.text).toMatchObject({ committed: "80", refused: "0" });
    const low = await call("GET", `tenants/${tenant}/events?type=credits.balance_low`, { token: await token({ tenant, scope: "billing:read" }) });
    expect(low.json.data.map((e: any) => e.data)).toEqual([{ currency: "USD", balance: 20, threshold: 30 }]);
  });

  it("an expired hold releases itself by the meter's alarm", async () => {
    await createPlan({ id: "h-alarm", basePrice: 0, meters: [{ metric: "tokens", limit: 100, enforcement: "hard" }] });
    const tenant = "h-alarm-t";
    await subscribe(tenant, { planId: "h-alarm", trial: false });
    expect((await hold(tenant, { holdId: "x", quantity: 100, ttlSeconds: 1 })).status).toBe(201);
    await new Promise((r) => setTimeout(r, 1_100));
    await runDurableObjectAlarm(env.TENANT_METER.getByName(tenant));
    const res = await call("GET", `tenants/${tenant}/usage/holds`, { token: await adminToken() });
    expect(res.json.data).toEqual([]);
    expect((await commit(tenant, "x", { quantity: 1 })).json.error.details.status).toBe("expired");
  });

  it("validates holds and keeps them to their tenant", async () => {
    const tenant = "h-valid-t";
    for (const bad of [{ quantity: 0 }, { quantity: -1 }, { ttlSeconds: 3601 }, { ttlSeconds: 0 }, { holdId: "" }, { metric: "1x" }, { extra: true }]) {
      const res = await hold(tenant, { holdId: "v", quantity: 1, ...bad });
      expect([JSON.stringify(bad), res.status]).toEqual([JSON.stringify(bad), 400]);
    }
    await createPlan({ id: "h-gauge", basePrice: 0, meters: [{ metric: "seats", aggregation: "max" }] });
    await subscribe(tenant, { planId: "h-gauge", trial: false });
    const gauge = await hold(tenant, { holdId: "g", metric: "seats", quantity: 1 });
    expect(gauge.status, gauge.text).toBe(400);
    const other = await token({ tenant: "h-valid-other", scope: "usage:write billing:read" });
    for (const [method, path] of [
      ["POST", `tenants/${tenant}/usage/holds`],
      ["GET", `tenants/${tenant}/usage/holds`],
      ["POST", `tenants/${tenant}/usage/holds/v/commit`],
      ["POST", `tenants/${tenant}/usage/holds/v/release`],
    ] as const) {
      const res = await call(method, path, {
        token: other,
        body: method === "POST" ? { holdId: "v", metric: "tokens", quantity: 1, ttlSeconds: 60 } : undefined,
      });
      expect([path, res.status]).toEqual([path, 403]);
    }
  });
});
