import { describe, expect, it } from "vitest";
import { adminToken, call } from "../helpers";

async function until<T>(fn: () => Promise<T>, done: (v: T) => boolean, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (done(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("test clock smoke", () => {
  it("bills a month", async () => {
    const admin = await adminToken();
    const plan = await call("POST", "plans", { token: admin, body: { id: "tc-smoke", name: "Smoke", basePrice: 1000, meters: [{ metric: "apiCalls", price: { model: "per_unit", unitPrice: "1" } }] } });
    expect(plan.status, plan.text).toBe(201);
    const clock = await call("POST", "test-clocks", { token: admin, body: { name: "smoke", frozenTime: "2027-03-01T00:00:00Z" } });
    expect(clock.status).toBe(201);
    const id = clock.json.data.id;
    const t = await call("POST", `test-clocks/${id}/tenants`, { token: admin, body: { tenantId: "tc-smoke-t" } });
    expect(t.status, t.text).toBe(201);
    const sub = await call("POST", "tenants/tc-smoke-t/subscriptions", { token: admin, body: { planId: "tc-smoke" } });
    expect(sub.status, sub.text).toBe(201);
    expect(sub.json.data.currentPeriodStart).toBe("2027-03-01T00:00:00.000Z");
    const u = await call("POST", "tenants/tc-smoke-t/usage", { token: admin, body: { eventId: "e1", metric: "apiCalls", quantity: 5 } });
    expect(u.status, u.text).toBe(200);
    const adv = await call("POST", `test-clocks/${id}/advance`, { token: admin, body: { frozenTime: "2027-04-02T00:00:00Z" } });
    expect(adv.status, adv.text).toBe(202);
    expect(adv.json.data.status).toBe("advancing");
    const done = await until(() => call("GET", `test-clocks/${id}`, { token: admin }), (r) => r.json.data.status !== "advancing");
    expect(done.json.data, done.text).toMatchObject({ status: "ready", frozenTime: "2027-04-02T00:00:00.000Z" });
    const inv = await call("GET", "tenants/tc-smoke-t/invoices", { token: admin });
    expect(inv.json.data.length, inv.text).toBe(1);
    expect(inv.json.data[0]).toMatchObject({ status: "open", total: { amount: 1005 }, periodStart: "2027-03-01T00:00:00.000Z" });
  });
});
