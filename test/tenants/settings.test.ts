import { describe, expect, it } from "vitest";
import { adminToken, call, token } from "../helpers";

const fieldError = (res: { status: number; json: any }, path: string) => {
  expect(res.status, JSON.stringify(res.json)).toBe(400);
  expect(res.json.error.code).toBe("VALIDATION_ERROR");
  expect(res.json.error.details.map((d: { path: string }) => d.path)).toContain(path);
};

describe("tenant rounding mode", () => {
  it("defaults to half_up, is set by an admin, and is refused when unknown", async () => {
    const admin = await adminToken();
    const own = await token({ tenant: "rm-tenant", scope: "billing:read billing:update" });
    const read = await call("GET", "tenants/rm-tenant", { token: own });
    expect(read.json.data.roundingMode).toBe("half_up");

    const set = await call("PUT", "tenants/rm-tenant", { token: admin, body: { roundingMode: "half_even" } });
    expect(set.status, JSON.stringify(set.json)).toBe(200);
    expect(set.json.data.roundingMode).toBe("half_even");
    expect((await call("GET", "tenants/rm-tenant", { token: own })).json.data).toMatchObject({ roundingMode: "half_even", currency: "USD" });

    fieldError(await call("PUT", "tenants/rm-tenant", { token: admin, body: { roundingMode: "bankers" } }), "roundingMode");
    expect((await call("PUT", "tenants/rm-tenant", { token: own, body: { roundingMode: "half_up" } })).status).toBe(403);
    expect((await call("GET", "tenants/rm-tenant", { token: own })).json.data.roundingMode).toBe("half_even");
  });
});

describe("unknown currencies are a 400 where they enter", () => {
  it("tenants, plans, coupons and spend items (bodies and filters) refuse a code that is not ISO 4217", async () => {
    const admin = await adminToken();
    fieldError(await call("PUT", "tenants/cur-tenant", { token: admin, body: { currency: "XYZ" } }), "currency");
    fieldError(await call("POST", "plans", { token: admin, body: { id: "cur-plan", name: "P", basePrice: 100, currency: "ABC" } }), "currency");
    fieldError(await call("POST", "coupons", { token: admin, body: { code: "CURX", amountOff: 100, currency: "QQQ", duration: "once" } }), "currency");
    const t = await token({ tenant: "cur-tenant", scope: "billing:read billing:update" });
    fieldError(await call("POST", "items", { token: t, body: { name: "Thing", amount: 100, provider: "gcp", currency: "DOGE" } }), "currency");
    expect((await call("GET", "items?currency=ZZZ", { token: t })).status).toBe(400);

    // Known codes in any case are accepted and stored upper case; ISK has no decimals, CLF four.
    const plan = await call("POST", "plans", { token: admin, body: { id: "cur-plan-isk", name: "ISK", basePrice: 4900, currency: "isk" } });
    expect(plan.status, JSON.stringify(plan.json)).toBe(201);
    expect(plan.json.data.currency).toBe("ISK");
    const tenant = await call("PUT", "tenants/cur-tenant", { token: admin, body: { currency: "clf" } });
    expect(tenant.json.data.currency).toBe("CLF");
  });
});
