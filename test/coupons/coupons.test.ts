import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { CreateCoupon } from "../../src/coupons/schemas";
import { createCoupon } from "../../src/coupons";
import { couponRedemptions, subscriptionDiscounts } from "../../src/coupons/table";
import { createSubscription } from "../../src/subscriptions/service";
import { adminToken, call, token } from "../helpers";
import { db, recordingEnv, standardPlans } from "../subscriptions/fixtures";

beforeAll(standardPlans);

let admin: string;
beforeAll(async () => {
  admin = await adminToken();
});

async function coupon(body: Record<string, unknown>) {
  const res = await call("POST", "coupons", { token: admin, body: { duration: "once", ...body } });
  expect(res.status).toBe(201);
  return res.json.data;
}

async function subscribed(tenant: string, planId = "basic-29") {
  const t = await token({ tenant });
  const res = await call("POST", `tenants/${tenant}/subscriptions`, { token: t, body: { planId } });
  expect(res.status).toBe(201);
  return { t, id: res.json.data.id as string };
}

const redeem = (t: string, code: string, tenantId: string, subscriptionId: string) =>
  call("POST", "coupons/redeem", { token: t, body: { code, tenantId, subscriptionId } });
const validate = (t: string, body: Record<string, unknown>) => call("POST", "coupons/validate", { token: t, body });

describe("coupon administration", () => {
  it("admin creates, lists, gets (by id or code) and deactivates; codes are unique case-insensitively", async () => {
    const created = await coupon({
      code: "Admin20",
      name: "Launch",
      percentOff: 20,
      duration: "repeating",
      durationInMonths: 3,
      maxRedemptions: 100,
      planIds: ["basic-29"],
    });
    expect(created).toMatchObject({
      code: "Admin20",
      percentOff: 20,
      amountOff: null,
      durationInMonths: 3,
      timesRedeemed: 0,
      active: true,
      valid: true,
      planIds: ["basic-29"],
    });
    const dup = await call("POST", "coupons", { token: admin, body: { code: "ADMIN20", percentOff: 5 } });
    expect([dup.status, dup.json.error.code]).toEqual([409, "CONFLICT"]);

    expect((await call("GET", `coupons/${created.id}`, { token: admin })).json.data.id).toBe(created.id);
    expect((await call("GET", "coupons/admin20", { token: admin })).json.data.id).toBe(created.id);
    const list = await call("GET", "coupons?limit=200", { token: admin });
    expect(list.json.data.map((c: { id: string }) => c.id)).toContain(created.id);

    const off = await call("POST", `coupons/${created.id}/deactivate`, { token: admin });
    expect(off.json.data).toMatchObject({ active: false, valid: false });
    expect((await call("POST", `coupons/${created.id}/deactivate`, { token: admin })).json.data.active).toBe(false);
    expect((await call("POST", "coupons/coupon_nope/deactivate", { token: admin })).status).toBe(404);
  });

  it("non-admins cannot create, list, read or deactivate coupons", async () => {
    const t = await token({ tenant: "cpn-nonadmin", scope: "billing:read billing:update usage:write" });
    expect((await call("POST", "coupons", { token: t, body: { code: "MINE100", percentOff: 100 } })).status).toBe(403);
    expect((await call("GET", "coupons", { token: t })).status).toBe(403);
    expect((await call("GET", "coupons/ANY", { token: t })).status).toBe(403);
    expect((await call("POST", "coupons/ANY/deactivate", { token: t })).status).toBe(403);
  });

  it("validates coupon definitions", async () => {
    const bad: Array<[Record<string, unknown>, string]> = [
      [{ code: "B1X", percentOff: 10, amountOff: 100, currency: "USD" }, "percentOff"],
      [{ code: "B2X", amountOff: 100 }, "currency"],
      [{ code: "B3X", percentOff: 10, currency: "USD" }, "currency"],
      [{ code: "B4X", percentOff: 10, duration: "repeating" }, "durationInMonths"],
      [{ code: "B5X", percentOff: 10, duration: "forever", durationInMonths: 2 }, "durationInMonths"],
      [{ code: "no spaces", percentOff: 10 }, "code"],
      [{ code: "B6X", percentOff: 0 }, "percentOff"],
      [{ code: "B7X", percentOff: 10, maxRedemptions: 0 }, "maxRedemptions"],
    ];
    for (const [body, path] of bad) {
      const res = await call("POST", "coupons", { token: admin, body });
      expect([JSON.stringify(body), res.status, res.json.error.details?.[0]?.path]).toEqual([JSON.stringify(body), 400, path]);
    }
  });

  it("keeps /coupons/validate and /coupons/redeem apart from /coupons/{couponId}", async () => {
    const res = await call("GET", "coupons/validate", { token: admin });
    expect([res.status, res.json.error.message]).toEqual([404, "Coupon not found: validate"]);
    expect((await validate(admin, { code: "NOPE-NOPE", tenantId: "cpn-route" })).json.data.reason).toBe("not_found");
  });
});

describe("validate and redeem", () => {
  it("a valid coupon: what it takes off the plan, then redeemed onto the subscription", async () => {
    await coupon({ code: "SAVE20", percentOff: 20, duration: "repeating", durationInMonths: 3 });
    const { t, id } = await subscribed("cpn-ok");
    const v = await validate(t, { code: "save20", tenantId: "cpn-ok" });
    expect(v.json.data).toMatchObject({
      valid: true,
      reason: null,
      discount: { planId: "basic-29", currency: "USD", basePrice: 2900, amount: 580, duration: "repeating", durationInMonths: 3 },
    });
    expect((await validate(t, { code: "SAVE20", tenantId: "cpn-ok", planId: "premium-99" })).json.data.discount.amount).toBe(1980);

    const r = await redeem(t, "Save20", "cpn-ok", id);
    expect(r.status).toBe(201);
    expect(r.json.data).toMatchObject({ code: "SAVE20", tenantId: "cpn-ok", subscriptionId: id, discount: { percentOff: 20, remainingPeriods: 3 } });
    const sub = await call("GET", `subscriptions/${id}`, { token: t });
    expect(sub.json.data.discounts).toHaveLength(1);
    expect((await call("GET", "coupons/SAVE20", { token: admin })).json.data.timesRedeemed).toBeGreaterThanOrEqual(1);
  });

  it("gives each failure its own reason: validate says it, redeem refuses with it", async () => {
    const now = Date.now();
    await createCoupon(db, CreateCoupon.parse({ code: "OLD10", percentOff: 10, redeemBy: new Date(now - 3600_000).toISOString() }), now - 86_400_000);
    await coupon({ code: "ONE-ONLY", percentOff: 10, maxRedemptions: 1 });
    const dead = await coupon({ code: "DEAD10", percentOff: 10 });
    await call("POST", `coupons/${dead.id}/deactivate`, { token: admin });
    await coupon({ code: "PREMIUM-ONLY", percentOff: 10, planIds: ["premium-99"] });
    await coupon({ code: "EURO5", amountOff: 500, currency: "EUR" });
    await coupon({ code: "TWICE", percentOff: 10 });

    const other = await subscribed("cpn-fail-other");
    expect((await redeem(other.t, "ONE-ONLY", "cpn-fail-other", other.id)).status).toBe(201);
    const { t, id } = await subscribed("cpn-fail");
    expect((await redeem(t, "TWICE", "cpn-fail", id)).status).toBe(201);

    const cases: Array<[string, string, number]> = [
      ["NOPE-NOPE", "not_found", 404],
      ["OLD10", "expired", 409],
      ["ONE-ONLY", "max_redemptions_reached", 409],
      ["DEAD10", "inactive", 409],
      ["PREMIUM-ONLY", "plan_not_eligible", 409],
      ["EURO5", "currency_mismatch", 409],
      ["TWICE", "already_redeemed", 409],
    ];
    for (const [code, reason, status] of cases) {
      const v = await validate(t, { code, tenantId: "cpn-fail" });
      expect([code, v.status, v.json.data.valid, v.json.data.reason]).toEqual([code, 200, false, reason]);
      expect(v.json.data.message.length).toBeGreaterThan(10);
      const r = await redeem(t, code, "cpn-fail", id);
      expect([code, r.status, r.json.error.details.reason]).toEqual([code, status, reason]);
      expect(r.json.error.message).toBe(v.json.data.message);
    }
    const sub = await call("GET", `subscriptions/${id}`, { token: t });
    expect(sub.json.data.discounts.map((d: { description: string }) => d.description)).toEqual(["TWICE: 10% off (once)"]);
  });

  it("creating a subscription with a coupon redeems it in the same batch, or creates nothing", async () => {
    await coupon({ code: "WELCOME5", amountOff: 500, currency: "USD", duration: "forever" });
    const t = await token({ tenant: "cpn-create" });
    const created = await call("POST", "tenants/cpn-create/subscriptions", { token: t, body: { planId: "basic-29", couponCode: "welcome5" } });
    expect(created.status).toBe(201);
    expect(created.json.data.discounts).toMatchObject([{ amountOff: 500, currency: "USD", duration: "forever", remainingPeriods: null }]);

    await coupon({ code: "PREMIUM-ONLY-2", percentOff: 10, planIds: ["premium-99"] });
    const t2 = await token({ tenant: "cpn-create-bad" });
    const refused = await call("POST", "tenants/cpn-create-bad/subscriptions", { token: t2, body: { planId: "basic-29", couponCode: "PREMIUM-ONLY-2" } });
    expect([refused.status, refused.json.error.details.reason]).toEqual([409, "plan_not_eligible"]);
    expect((await call("GET", "tenants/cpn-create-bad/subscriptions", { token: t2 })).json.data).toEqual([]);
  });

  it("keeps tenants apart: another tenant's id is 403, another tenant's subscription 404", async () => {
    await coupon({ code: "ISO10", percentOff: 10 });
    const a = await subscribed("cpn-iso-a");
    const b = await subscribed("cpn-iso-b");
    expect((await redeem(b.t, "ISO10", "cpn-iso-a", a.id)).status).toBe(403);
    expect((await redeem(b.t, "ISO10", "cpn-iso-b", a.id)).status).toBe(404);
    expect((await validate(b.t, { code: "ISO10", tenantId: "cpn-iso-a" })).status).toBe(403);
    expect((await call("GET", `subscriptions/${a.id}`, { token: a.t })).json.data.discounts).toEqual([]);
  });
});

describe("redemption races", () => {
  it("50 concurrent redemptions of a coupon limited to 10: exactly 10 succeed, 40 get a clear 409", async () => {
    await coupon({ code: "RACE10", percentOff: 15, maxRedemptions: 10 });
    const { env: quiet } = recordingEnv();
    const tenants = Array.from({ length: 50 }, (_, i) => `cpn-race-${i}`);
    const subs = await Promise.all(
      tenants.map(async (tenant) => ({
        tenant,
        t: await token({ tenant }),
        id: (await createSubscription(db, quiet, tenant, { planId: "basic-29" }, "user-1", Date.now())).id,
      })),
    );
    const results = await Promise.all(subs.map((s) => redeem(s.t, "RACE10", s.tenant, s.id)));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    expect(statuses.filter((s) => s === 409)).toHaveLength(40);
    for (const r of results.filter((r) => r.status === 409)) {
      expect(r.json.error).toMatchObject({
        code: "CONFLICT",
        message: "Coupon RACE10 has reached its limit of 10 redemptions",
        details: { reason: "max_redemptions_reached" },
      });
    }
    const stored = (await call("GET", "coupons/RACE10", { token: admin })).json.data;
    expect(stored).toMatchObject({ timesRedeemed: 10, valid: false });
    expect(await db.select().from(couponRedemptions).where(eq(couponRedemptions.couponId, stored.id))).toHaveLength(10);
    expect(await db.select().from(subscriptionDiscounts).where(eq(subscriptionDiscounts.couponId, stored.id))).toHaveLength(10);
  });

  it("one tenant redeeming the same coupon concurrently gets it once", async () => {
    await coupon({ code: "ONCE-EACH", percentOff: 5 });
    const { t, id } = await subscribed("cpn-race-self");
    const results = await Promise.all(Array.from({ length: 5 }, () => redeem(t, "ONCE-EACH", "cpn-race-self", id)));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
    expect(results.filter((r) => r.status === 409).every((r) => r.json.error.details.reason === "already_redeemed")).toBe(true);
    expect((await call("GET", `subscriptions/${id}`, { token: t })).json.data.discounts).toHaveLength(1);
  });
});
