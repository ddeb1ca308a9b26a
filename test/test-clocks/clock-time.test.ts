import { describe, expect, it } from "vitest";
import { adminToken, call, token } from "../helpers";
import { advance, clockWith, createPlan, subscribe, until, usage } from "./support";

/**
 * "Every time-dependent decision for that tenant uses the clock's time": the seams where a
 * request or a job could pick up the real time instead. The real time (the machine's, late
 * 2026 or later) is always far from these clocks (2027–2029), so a leak shows as a date in
 * the wrong year.
 */
describe("test clock: the clock's time in every decision", () => {
  it("uses the clock's time for an admin's change sent with an Idempotency-Key", async () => {
    await createPlan({ id: "tc-ct-idem", basePrice: 1000 });
    const tenant = "tc-ct-idem-t";
    await clockWith("2028-03-10T12:00:00Z", [tenant]);
    const sub = await subscribe(tenant, { planId: "tc-ct-idem" });
    const admin = await adminToken();

    const credit = await call("POST", `subscriptions/${sub.id}/credits`, {
      token: admin,
      body: { amount: 100, reason: "keyed" },
      headers: { "idempotency-key": "tc-ct-credit-1" },
    });
    expect(credit.status, credit.text).toBe(201);
    expect(credit.json.data.movement.createdAt).toBe("2028-03-10T12:00:00.000Z");

    const paused = await call("POST", `subscriptions/${sub.id}/pause`, { token: admin, body: {}, headers: { "idempotency-key": "tc-ct-pause-1" } });
    expect(paused.status, paused.text).toBe(200);
    expect(paused.json.data).toMatchObject({ status: "paused", pausedAt: "2028-03-10T12:00:00.000Z", updatedAt: "2028-03-10T12:00:00.000Z" });
    const replay = await call("POST", `subscriptions/${sub.id}/pause`, { token: admin, body: {}, headers: { "idempotency-key": "tc-ct-pause-1" } });
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.json).toEqual(paused.json);
  });

  it("judges a coupon's redeemBy on the clock, with or without an Idempotency-Key", async () => {
    await createPlan({ id: "tc-ct-coupon", basePrice: 1000 });
    const admin = await adminToken();
    // Still redeemable on real time, expired on the clock.
    const coupon = await call("POST", "coupons", { token: admin, body: { code: "TC-CT-REDEEMBY", percentOff: 50, redeemBy: "2028-06-01T00:00:00Z" } });
    expect(coupon.status, coupon.text).toBe(201);
    const tenant = "tc-ct-coupon-t";
    await clockWith("2028-07-01T00:00:00Z", [tenant]);
    const sub = await subscribe(tenant, { planId: "tc-ct-coupon" });

    const validated = await call("POST", "coupons/validate", { token: admin, body: { code: "TC-CT-REDEEMBY", tenantId: tenant } });
    expect(validated.status, validated.text).toBe(200);
    expect(validated.json.data).toMatchObject({ valid: false, reason: "expired", coupon: { valid: false } });
    for (const headers of [{}, { "idempotency-key": "tc-ct-redeem-1" }] as Record<string, string>[]) {
      const redeemed = await call("POST", "coupons/redeem", {
        token: admin,
        body: { code: "TC-CT-REDEEMBY", tenantId: tenant, subscriptionId: sub.id },
        headers,
      });
      expect(redeemed.status, `${JSON.stringify(headers)}: ${redeemed.text}`).toBe(409);
      expect(redeemed.json.error.details.reason).toBe("expired");
    }
    const atSignup = await call("POST", "tenants/tc-ct-coupon-u/subscriptions", {
      token: admin,
      body: { planId: "tc-ct-coupon", couponCode: "TC-CT-REDEEMBY" },
    });
    // tc-ct-coupon-u is on real time: there the coupon is still valid.
    expect(atSignup.status, atSignup.text).toBe(201);
  });

  it("keeps a tenant's Idempotency-Keys for 24 hours of the clock's time", async () => {
    await createPlan({ id: "tc-ct-ttl", basePrice: 1000 });
    const tenant = "tc-ct-ttl-t";
    const clockId = await clockWith("2028-04-01T00:00:00Z", [tenant]);
    const t = await token({ tenant });
    const signup = () =>
      call("POST", `tenants/${tenant}/subscriptions`, { token: t, body: { planId: "tc-ct-ttl" }, headers: { "idempotency-key": "tc-ct-signup" } });
    const first = await signup();
    expect(first.status, first.text).toBe(201);
    await advance(clockId, "2028-04-01T23:00:00Z", t);
    const within = await signup();
    expect(within.status).toBe(201);
    expect(within.headers.get("idempotent-replayed")).toBe("true");
    expect(within.json.data.id).toBe(first.json.data.id);
    // 25 hours on the clock (seconds of real time): the key is forgotten, the request runs
    // again and meets the subscription it made the first time.
    await advance(clockId, "2028-04-02T01:00:00Z", t);
    const after = await signup();
    expect(after.status, after.text).toBe(409);
    expect(after.headers.get("idempotent-replayed")).toBeNull();
    expect(after.json.error.code).toBe("CONFLICT");
  });

  /**
   * Idempotency-Keys of every tenant share one table: a clock's advance runs the jobs at the
   * clock's time, which is after the expiry of every real-time key, so only the real-time run
   * may purge them.
   */
  it("leaves other tenants' Idempotency-Keys alone when a clock advances", async () => {
    await createPlan({ id: "tc-ct-purge", basePrice: 1000 });
    const real = "tc-ct-purge-real";
    const t = await token({ tenant: real });
    const signup = () =>
      call("POST", `tenants/${real}/subscriptions`, { token: t, body: { planId: "tc-ct-purge" }, headers: { "idempotency-key": "tc-ct-purge-signup" } });
    const first = await signup();
    expect(first.status, first.text).toBe(201);
    expect((await signup()).headers.get("idempotent-replayed")).toBe("true");

    const clockId = await clockWith("2028-05-01T00:00:00Z", ["tc-ct-purge-clocked"]);
    await advance(clockId, "2028-05-02T00:00:00Z");

    const retry = await signup();
    expect(retry.status, retry.text).toBe(201);
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    expect(retry.json.data.id).toBe(first.json.data.id);
  });

  /**
   * The meter picks a usage alert's window from the `now` it is given: the queue consumer must
   * pass the tenant's time, as the single-event route does.
   */
  it("fires a usage alert from batch usage at the clock's time", async () => {
    await createPlan({ id: "tc-ct-alert-batch", basePrice: 1000 });
    const tenant = "tc-ct-alert-batch-t";
    await clockWith("2028-03-10T12:00:00Z", [tenant]);
    await subscribe(tenant, { planId: "tc-ct-alert-batch" });
    const admin = await adminToken();
    const alert = await call("POST", `realtime-cost/tenants/${tenant}/alerts`, {
      token: admin,
      body: { type: "usage", metric: "apiCalls", threshold: 10, period: "day" },
    });
    expect(alert.status, alert.text).toBe(201);
    const batch = await call("POST", `tenants/${tenant}/usage/batch`, {
      token: admin,
      body: { events: [{ eventId: "ab-1", metric: "apiCalls", quantity: 12 }] },
    });
    expect(batch.status, batch.text).toBe(202);
    await until(
      () => call("GET", `tenants/${tenant}/usage/summary`, { token: admin }),
      (r) => r.json.data.items[0]?.quantity === "12",
      10_000,
    );
    const listed = await until(
      () => call("GET", `realtime-cost/tenants/${tenant}/alerts`, { token: admin }),
      (r) => r.json.data[0]?.state === "triggered",
      1_500,
    );
    expect(listed.json.data[0]).toMatchObject({
      state: "triggered",
      lastValue: 12,
      windowStart: "2028-03-10T00:00:00.000Z",
      windowEnd: "2028-03-11T00:00:00.000Z",
    });
  });

  /**
   * Dismissing decides whether the trigger's window is still open: on the clock, an alert whose
   * window ended is 409, and `dismissedAt` is never before `triggeredAt`.
   */
  it("dismisses an alert on the clock's time", async () => {
    await createPlan({ id: "tc-ct-dismiss", basePrice: 1000 });
    const tenant = "tc-ct-dismiss-t";
    const clockId = await clockWith("2028-03-10T12:00:00Z", [tenant]);
    await subscribe(tenant, { planId: "tc-ct-dismiss" });
    const admin = await adminToken();
    const alert = await call("POST", `realtime-cost/tenants/${tenant}/alerts`, {
      token: admin,
      body: { type: "usage", metric: "apiCalls", threshold: 10, period: "day" },
    });
    expect(alert.status, alert.text).toBe(201);
    expect((await usage(tenant, { eventId: "d-1", metric: "apiCalls", quantity: 12 })).status).toBe(200);
    const listed = await call("GET", `realtime-cost/tenants/${tenant}/alerts`, { token: admin });
    expect(listed.json.data[0]).toMatchObject({ state: "triggered", triggeredAt: "2028-03-10T12:00:00.000Z", windowEnd: "2028-03-11T00:00:00.000Z" });

    // The day is over on the clock: the alert reads ok again, so it cannot be dismissed.
    await advance(clockId, "2028-03-11T06:00:00Z");
    expect((await call("GET", `realtime-cost/tenants/${tenant}/alerts`, { token: admin })).json.data[0].state).toBe("ok");
    const late = await call("POST", `realtime-cost/alerts/${alert.json.data.id}/dismiss`, { token: admin });
    expect(late.status, late.text).toBe(409);

    // Triggered again in the new day, dismissed then, at the clock's time.
    expect((await usage(tenant, { eventId: "d-2", metric: "apiCalls", quantity: 12 })).status).toBe(200);
    const dismissed = await call("POST", `realtime-cost/alerts/${alert.json.data.id}/dismiss`, { token: admin });
    expect(dismissed.status, dismissed.text).toBe(200);
    expect(dismissed.json.data).toMatchObject({ state: "dismissed", dismissedAt: "2028-03-11T06:00:00.000Z" });
  });

  /** `PUT /quotas/:quotaId` answers the usage of the clock's window, as `GET /quotas/tenants/:id` does. */
  it("answers a quota update with the usage of the clock's window", async () => {
    const tenant = "tc-ct-quota-t";
    await clockWith("2028-03-10T12:00:00Z", [tenant]);
    const admin = await adminToken();
    const quota = await call("POST", "quotas", {
      token: admin,
      body: { tenantId: tenant, metric: "apiCalls", limit: 100, period: "month", enforcement: "hard" },
    });
    expect(quota.status, quota.text).toBe(201);
    expect((await usage(tenant, { eventId: "q-1", metric: "apiCalls", quantity: 12 })).status).toBe(200);
    const listed = await call("GET", `quotas/tenants/${tenant}`, { token: admin });
    expect(listed.json.data[0].usage).toEqual({ current: 12, remaining: 88, resetsAt: "2028-04-01T00:00:00.000Z", exceeded: false });

    const updated = await call("PUT", `quotas/${quota.json.data.id}`, { token: admin, body: { limit: 200 } });
    expect(updated.status, updated.text).toBe(200);
    expect(updated.json.data).toMatchObject({
      limit: 200,
      usage: { current: 12, remaining: 188, resetsAt: "2028-04-01T00:00:00.000Z", exceeded: false },
      updatedAt: "2028-03-10T12:00:00.000Z",
    });
  });
});
