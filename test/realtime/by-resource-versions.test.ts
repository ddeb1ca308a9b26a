import { describe, expect, it } from "vitest";
import { adminToken, call } from "../helpers";
import { advance, clockWith, createPlan, subscribe, usage } from "../test-clocks/support";

describe("cost by resource across a plan change", () => {
  it("splits the invoice's own charges: each plan version prices the usage it billed", async () => {
    const admin = await adminToken();
    await createPlan({ id: "rv-a", basePrice: 0, meters: [{ metric: "apiCalls", price: { model: "per_unit", unitPrice: "1" } }] });
    await createPlan({ id: "rv-b", basePrice: 0, meters: [{ metric: "apiCalls", price: { model: "per_unit", unitPrice: "2" } }] });
    const tenant = "rv-tenant";
    const clockId = await clockWith("2027-06-01T00:00:00Z", [tenant]);
    const sub = await subscribe(tenant, { planId: "rv-a" });
    await usage(tenant, { eventId: "rv-1", metric: "apiCalls", quantity: 100, projectId: "p1" });
    await advance(clockId, "2027-06-11T00:00:00Z");
    const changed = await call("POST", `subscriptions/${sub.id}/change-plan`, { token: admin, body: { planId: "rv-b" } });
    expect(changed.status, changed.text).toBe(200);
    await usage(tenant, { eventId: "rv-2", metric: "apiCalls", quantity: 50, projectId: "p2" });
    await advance(clockId, "2027-06-15T00:00:00Z");

    const preview = (await call("GET", `tenants/${tenant}/billing/preview`, { token: admin })).json.data;
    const usageTotal = preview.lines.filter((l: any) => l.kind === "usage").reduce((s: number, l: any) => s + l.amount.amount, 0);
    expect(usageTotal).toBe(100 * 1 + 50 * 2);

    const res = await call("GET", `realtime-cost/tenants/${tenant}/by-resource?groupBy=project`, { token: admin });
    expect(res.status, res.text).toBe(200);
    expect(res.json.data.total.amount).toBe(usageTotal);
    expect(res.json.data.items.map((i: any) => [i.key, i.amount.amount])).toEqual([
      ["p1", 100],
      ["p2", 100],
    ]);
    const calls = res.json.data.meters.find((m: any) => m.metric === "apiCalls");
    expect(calls).toMatchObject({ quantity: "150", amount: { amount: 200 } });
  });
});
