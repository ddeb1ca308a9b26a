import { describe, expect, it } from "vitest";
import { adminToken, call, token } from "../helpers";
import { clockWith, createPlan } from "./support";

const OFF = { TEST_CLOCKS: "" };

describe('test clocks switched off (TEST_CLOCKS not "true")', () => {
  it("answers 404 on every test-clock route, with an admin token, a tenant token and none", async () => {
    // A clock that exists (made while they are on) is not found either once they are off.
    const clockId = await clockWith("2028-06-01T00:00:00Z", ["tc-off-bound"]);
    const routes: Array<[string, string, unknown]> = [
      ["POST", "test-clocks", { frozenTime: "2028-01-01T00:00:00Z" }],
      ["GET", "test-clocks", undefined],
      ["GET", `test-clocks/${clockId}`, undefined],
      ["DELETE", `test-clocks/${clockId}`, undefined],
      ["POST", `test-clocks/${clockId}/tenants`, { tenantId: "tc-off-new" }],
      ["POST", `test-clocks/${clockId}/advance`, { frozenTime: "2028-07-01T00:00:00Z" }],
    ];
    const tokens = { admin: await adminToken(), tenant: await token({ tenant: "tc-off-bound" }), none: undefined };
    for (const [method, path, body] of routes) {
      for (const [who, t] of Object.entries(tokens)) {
        const res = await call(method, path, { token: t, body, env: OFF });
        expect(res.status, `${method} ${path} (${who}): ${res.text}`).toBe(404);
        expect(res.json.error.code).toBe("NOT_FOUND");
      }
    }
    // Nothing happened to the clock, and with clocks on the same routes answer.
    const on = await call("GET", `test-clocks/${clockId}`, { token: tokens.admin });
    expect(on.status).toBe(200);
    expect(on.json.data).toMatchObject({ frozenTime: "2028-06-01T00:00:00.000Z", status: "ready", tenants: ["tc-off-bound"] });
    expect((await call("GET", "test-clocks", { token: tokens.admin })).status).toBe(200);
  });

  it("leaves a normal tenant's subscription and usage as before", async () => {
    await createPlan({ id: "tc-off-plan", basePrice: 1900, meters: [{ metric: "apiCalls", price: { model: "per_unit", unitPrice: "1" } }] });
    const tenant = "tc-off-normal";
    const t = await token({ tenant, scope: "billing:read billing:update usage:write" });
    const before = Date.now();
    const sub = await call("POST", `tenants/${tenant}/subscriptions`, { token: t, body: { planId: "tc-off-plan" }, env: OFF });
    expect(sub.status, sub.text).toBe(201);
    // Real time: the period starts now.
    const start = Date.parse(sub.json.data.currentPeriodStart);
    expect(start).toBeGreaterThanOrEqual(before - 1000);
    expect(start).toBeLessThanOrEqual(Date.now() + 1000);

    const u = await call("POST", `tenants/${tenant}/usage`, { token: t, body: { eventId: "off-1", metric: "apiCalls", quantity: 7 }, env: OFF });
    expect(u.status, u.text).toBe(200);
    expect(u.json.data).toMatchObject({ status: "accepted", total: { quantity: "7", periodStart: sub.json.data.currentPeriodStart } });
    const dup = await call("POST", `tenants/${tenant}/usage`, { token: t, body: { eventId: "off-1", metric: "apiCalls", quantity: 7 }, env: OFF });
    expect(dup.json.data.status).toBe("duplicate");
    // The 5-minute rule against the real time.
    const ahead = await call("POST", `tenants/${tenant}/usage`, {
      token: t,
      body: { eventId: "off-2", metric: "apiCalls", quantity: 1, timestamp: new Date(Date.now() + 10 * 60_000).toISOString() },
      env: OFF,
    });
    expect(ahead.status).toBe(400);

    const summary = await call("GET", `tenants/${tenant}/usage/summary`, { token: t, env: OFF });
    expect(summary.status, summary.text).toBe(200);
    expect(summary.json.data.from).toBe(sub.json.data.currentPeriodStart);
    expect(summary.json.data.items.map((i: any) => [i.metric, i.quantity])).toEqual([["apiCalls", "7"]]);
    const preview = await call("GET", `tenants/${tenant}/billing/preview`, { token: t, env: OFF });
    expect(preview.status, preview.text).toBe(200);
    // $19.00 for the period plus 7 calls at 1 ¢.
    expect(preview.json.data).toMatchObject({ periodStart: sub.json.data.currentPeriodStart, subtotal: { amount: 1907 }, total: { amount: 1907 } });
    const got = await call("GET", `subscriptions/${sub.json.data.id}`, { token: t, env: OFF });
    expect(got.json.data).toMatchObject({ status: "active", currentPeriodStart: sub.json.data.currentPeriodStart });
  });
});
