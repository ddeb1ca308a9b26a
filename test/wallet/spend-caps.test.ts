import { describe, expect, it } from "vitest";
import { adminToken, call, token } from "../helpers";
import { createPlan, subscribe } from "../test-clocks/support";

/** Spend caps: quotas on the billing period's priced usage, in minor units. */

async function record(tenantId: string, eventId: string, quantity: number, metric = "calls") {
  return call("POST", `tenants/${tenantId}/usage`, { token: await adminToken(), body: { eventId, metric, quantity } });
}

describe("spend caps", () => {
  it("refuses the event that would pass a hard cap; the cap and the real-time cost agree to the cent", async () => {
    await createPlan({
      id: "cap-plan",
      basePrice: 900,
      meters: [
        { metric: "calls", includedQuantity: 10, price: { model: "per_unit", unitPrice: "0.75" } },
        {
          metric: "tokens",
          price: {
            model: "graduated",
            tiers: [
              { upTo: 100, unitPrice: "0.1" },
              { upTo: null, unitPrice: "0.05" },
            ],
          },
        },
      ],
    });
    const tenant = "cap-t";
    await subscribe(tenant, { planId: "cap-plan", trial: false });
    const cap = await call("POST", "quotas", { token: await adminToken(), body: { tenantId: tenant, type: "cost", limit: 100, enforcement: "hard" } });
    expect(cap.status, cap.text).toBe(201);
    expect(cap.json.data).toMatchObject({ type: "cost", metric: null, limit: 100, period: "billing_period", usage: { current: 0 } });

    expect((await record(tenant, "c1", 50)).status).toBe(200); // 40 × 0.75 = 30
    expect((await record(tenant, "t1", 300, "tokens")).status).toBe(200); // 10 + 10 = 20 → 50 spent
    expect((await record(tenant, "c2", 60)).status).toBe(200); // 100 × 0.75 = 75 → 95 spent
    const refused = await record(tenant, "c3", 10); // 110 × 0.75 = 82.5 → 83: +8 would make 103
    expect(refused.status, refused.text).toBe(402);
    expect(refused.json.error).toMatchObject({
      code: "SPEND_CAP_EXCEEDED",
      details: { quotaId: cap.json.data.id, limit: 100, current: 95, needed: 8, currency: "USD" },
    });
    expect((await record(tenant, "c4", 6)).status).toBe(200); // 106 × 0.75 = 79.5 → 80: 100 spent, exactly the cap
    // A token more rounds to no more money (20.05 → 20), so it fits; twenty more cost a cent and do not.
    expect((await record(tenant, "t2", 1, "tokens")).status).toBe(200);
    expect((await record(tenant, "t3", 20, "tokens")).status).toBe(402);

    const current = await call("GET", `realtime-cost/tenants/${tenant}/current`, { token: await adminToken() });
    expect(current.status, current.text).toBe(200);
    expect(current.json.data.usageTotal.amount).toBe(100);
    expect(current.json.data.usage.map((u: any) => [u.metric, u.amount.amount])).toEqual([
      ["calls", 80],
      ["tokens", 20],
    ]);
    const quotas = await call("GET", `quotas/tenants/${tenant}`, { token: await adminToken() });
    expect(quotas.json.data.find((q: any) => q.type === "cost").usage).toMatchObject({ current: 100, remaining: 0, exceeded: false });
  });

  it("validates cost caps and keeps tenants to their own", async () => {
    const admin = await adminToken();
    for (const body of [
      { tenantId: "cap-v", type: "cost", metric: "calls", limit: 100 },
      { tenantId: "cap-v", type: "cost", limit: 1.5 },
      { tenantId: "cap-v", type: "cost", limit: 100, period: "day" },
      { tenantId: "cap-v", type: "usage", limit: 100 },
    ]) {
      const res = await call("POST", "quotas", { token: admin, body });
      expect([JSON.stringify(body), res.status]).toEqual([JSON.stringify(body), 400]);
    }
    const own = await token({ tenant: "cap-v", scope: "billing:read billing:update" });
    const mine = await call("POST", "quotas", { token: own, body: { tenantId: "cap-v", type: "cost", limit: 5000, enforcement: "soft" } });
    expect(mine.status, mine.text).toBe(201);
    const patch = await call("PUT", `quotas/${mine.json.data.id}`, { token: own, body: { period: "month" } });
    expect(patch.status, patch.text).toBe(400);
    const other = await token({ tenant: "cap-w", scope: "billing:read billing:update" });
    expect((await call("POST", "quotas", { token: other, body: { tenantId: "cap-v", type: "cost", limit: 1 } })).status).toBe(403);
  });
});
