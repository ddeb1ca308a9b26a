import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { adminToken, call, token } from "../helpers";
import { advance, clockWith, createPlan, invoicesOf, settled, subscribe, usage } from "./support";

describe("test clock: validation and access", () => {
  it("refuses to advance backwards with 400 VALIDATION_ERROR naming frozenTime", async () => {
    const clockId = await clockWith("2028-05-01T00:00:00Z", []);
    const admin = await adminToken();
    const back = await call("POST", `test-clocks/${clockId}/advance`, { token: admin, body: { frozenTime: "2028-04-30T23:59:59Z" } });
    expect(back.status, back.text).toBe(400);
    expect(back.json.error.code).toBe("VALIDATION_ERROR");
    expect(back.json.error.details.map((d: any) => d.path)).toEqual(["frozenTime"]);
    const clock = await call("GET", `test-clocks/${clockId}`, { token: admin });
    expect(clock.json.data).toMatchObject({ frozenTime: "2028-05-01T00:00:00.000Z", status: "ready", advancingTo: null });
    // The same time is not backwards.
    expect((await advance(clockId, "2028-05-01T00:00:00Z")).frozenTime).toBe("2028-05-01T00:00:00.000Z");
  });

  it("puts only a tenant without data on a clock, and never one already on a clock (409)", async () => {
    await createPlan({ id: "tc-val-plan", basePrice: 1000 });
    const admin = await adminToken();
    const clockId = await clockWith("2028-01-01T00:00:00Z", ["tc-val-fresh"]);
    const other = await clockWith("2028-01-01T00:00:00Z", []);
    const put = (clock: string, tenantId: string) => call("POST", `test-clocks/${clock}/tenants`, { token: admin, body: { tenantId } });

    // A tenant with a subscription (on real time).
    await subscribe("tc-val-subscribed", { planId: "tc-val-plan" });
    const subscribed = await put(clockId, "tc-val-subscribed");
    expect(subscribed.status, subscribed.text).toBe(409);
    expect(subscribed.json.error.code).toBe("CONFLICT");
    // A tenant with usage only (its data is in its meter).
    expect((await usage("tc-val-metered", { eventId: "u1", metric: "apiCalls", quantity: 1 })).status).toBe(200);
    expect((await put(clockId, "tc-val-metered")).status).toBe(409);
    // A tenant already on a clock: this one or another.
    expect((await put(clockId, "tc-val-fresh")).status).toBe(409);
    const elsewhere = await put(other, "tc-val-fresh");
    expect(elsewhere.status, elsewhere.text).toBe(409);
    expect(elsewhere.json.error.code).toBe("CONFLICT");
    // A bare tenant (settings only, no data) is fine.
    expect((await call("GET", "tenants/tc-val-bare", { token: await token({ tenant: "tc-val-bare" }) })).status).toBe(200);
    expect((await put(other, "tc-val-bare")).status).toBe(201);

    // Put on two clocks at once: one wins, the other is 409 (never both, never a 500).
    const raced = await Promise.all([clockId, other].map((c) => put(c, "tc-val-raced")));
    expect(raced.map((r) => r.status).sort(), raced.map((r) => r.text).join("\n")).toEqual([201, 409]);
    const winner = raced[0]!.status === 201 ? clockId : other;

    const clocks = await call("GET", `test-clocks/${clockId}`, { token: admin });
    expect(clocks.json.data.tenants).toEqual(winner === clockId ? ["tc-val-fresh", "tc-val-raced"] : ["tc-val-fresh"]);
    const second = await call("GET", `test-clocks/${other}`, { token: admin });
    expect(second.json.data.tenants).toEqual(winner === other ? ["tc-val-bare", "tc-val-raced"] : ["tc-val-bare"]);
    // The refused tenants stay on real time, their data untouched.
    expect((await call("GET", "tenants/tc-val-subscribed/subscription", { token: admin })).status).toBe(200);
  });

  it("lets a tenant token read and advance its own clock only; creating clocks is for admins", async () => {
    const mine = "tc-val-owner";
    const clockId = await clockWith("2028-02-01T00:00:00Z", [mine], "mine");
    const otherClock = await clockWith("2028-02-01T00:00:00Z", ["tc-val-stranger"], "theirs");
    const t = await token({ tenant: mine, scope: "billing:read billing:update" });

    const own = await call("GET", `test-clocks/${clockId}`, { token: t });
    expect(own.status, own.text).toBe(200);
    expect(own.json.data).toMatchObject({ id: clockId, name: "mine", tenants: [mine] });
    const list = await call("GET", "test-clocks", { token: t });
    expect(list.status).toBe(200);
    expect(list.json.data.map((c: any) => c.id)).toEqual([clockId]);
    expect((await advance(clockId, "2028-02-10T00:00:00Z", t)).frozenTime).toBe("2028-02-10T00:00:00.000Z");

    // Another clock does not exist for this tenant, whatever the route.
    for (const [method, path, body] of [
      ["GET", `test-clocks/${otherClock}`, undefined],
      ["POST", `test-clocks/${otherClock}/advance`, { frozenTime: "2028-03-01T00:00:00Z" }],
    ] as const) {
      const res = await call(method, path, { token: t, body });
      expect(res.status, `${method} ${path}: ${res.text}`).toBe(404);
      expect(res.json.error.code).toBe("NOT_FOUND");
      expect(res.text).not.toContain("tc-val-stranger");
    }
    const theirs = await call("GET", `test-clocks/${otherClock}`, { token: await adminToken() });
    expect(theirs.json.data).toMatchObject({ frozenTime: "2028-02-01T00:00:00.000Z", status: "ready" });

    // Admin-only routes.
    for (const [method, path, body] of [
      ["POST", "test-clocks", { frozenTime: "2028-01-01T00:00:00Z" }],
      ["POST", `test-clocks/${clockId}/tenants`, { tenantId: "tc-val-owner-2" }],
      ["DELETE", `test-clocks/${clockId}`, undefined],
    ] as const) {
      const res = await call(method, path, { token: t, body });
      expect(res.status, `${method} ${path}: ${res.text}`).toBe(403);
      expect(res.json.error.code).toBe("FORBIDDEN");
    }
    // A read-only token reads its clock but cannot move it.
    const reader = await token({ tenant: mine, scope: "billing:read" });
    expect((await call("GET", `test-clocks/${clockId}`, { token: reader })).status).toBe(200);
    expect((await call("POST", `test-clocks/${clockId}/advance`, { token: reader, body: { frozenTime: "2028-03-01T00:00:00Z" } })).status).toBe(403);
    expect((await call("GET", `test-clocks/${clockId}`, { token: t })).json.data.frozenTime).toBe("2028-02-10T00:00:00.000Z");
  });

  it("lists clocks a page at a time, each once", async () => {
    const made = [];
    for (let i = 0; i < 3; i++) made.push(await clockWith("2028-08-01T00:00:00Z", [], `page-${i}`));
    const admin = await adminToken();
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 100; pages++) {
      const page: any = await call("GET", `test-clocks?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, { token: admin });
      expect(page.status, page.text).toBe(200);
      expect(page.json.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.json.data.map((c: any) => c.id));
      cursor = page.json.pagination.nextCursor;
      expect(page.json.pagination.hasMore).toBe(cursor !== null);
      if (!cursor) break;
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expect.arrayContaining(made));
    expect(seen).toEqual([...seen].sort());
  });

  it("deletes a clock with its tenants and all their data; not while it is advancing", async () => {
    await createPlan({ id: "tc-val-erase", basePrice: 4000, meters: [{ metric: "apiCalls", price: { model: "per_unit", unitPrice: "1" } }] });
    const admin = await adminToken();
    const coupon = await call("POST", "coupons", { token: admin, body: { code: "TC-ERASE-10", percentOff: 10, duration: "forever" } });
    expect(coupon.status, coupon.text).toBe(201);
    const tenant = "tc-val-erased";
    const clockId = await clockWith("2028-03-01T00:00:00Z", [tenant]);
    const sub = await subscribe(tenant, { planId: "tc-val-erase", couponCode: "TC-ERASE-10" });
    expect((await call("POST", `subscriptions/${sub.id}/credits`, { token: admin, body: { amount: 500, reason: "test" } })).status).toBe(201);
    expect((await usage(tenant, { eventId: "e1", metric: "apiCalls", quantity: 25 })).status).toBe(200);
    expect(
      (await call("POST", "quotas", { token: admin, body: { tenantId: tenant, metric: "llmTokens", limit: 1000, period: "month", enforcement: "hard" } }))
        .status,
    ).toBe(201);
    await advance(clockId, "2028-04-02T00:00:00Z");
    const [inv] = await invoicesOf(tenant);
    // 4000 + 25 calls = 4025, 10 % off (402.5 → 403) = 3622, 500 of credit: 3122 due.
    expect([inv.total.amount, inv.creditsApplied.amount, inv.amountDue.amount]).toEqual([3622, 500, 3122]);
    expect((await call("GET", `coupons/${coupon.json.data.id}`, { token: admin })).json.data.timesRedeemed).toBe(1);

    // While it advances, it cannot be deleted.
    const started = await call("POST", `test-clocks/${clockId}/advance`, { token: admin, body: { frozenTime: "2028-12-02T00:00:00Z" } });
    expect(started.status).toBe(202);
    const early = await call("DELETE", `test-clocks/${clockId}`, { token: admin });
    const state = await call("GET", `test-clocks/${clockId}`, { token: admin });
    if (state.status === 200 && state.json.data.status === "advancing") {
      // Still running after the DELETE was answered, so the DELETE saw it advancing.
      expect(early.status, early.text).toBe(409);
    }
    expect([200, 409]).toContain(early.status);
    if (early.status === 409) await settled(clockId);

    const deleted = early.status === 200 ? early : await call("DELETE", `test-clocks/${clockId}`, { token: admin });
    expect(deleted.status, deleted.text).toBe(200);
    expect(deleted.json.data).toEqual({ id: clockId, deleted: true, tenants: [tenant] });

    expect((await call("GET", `test-clocks/${clockId}`, { token: admin })).status).toBe(404);
    expect((await call("DELETE", `test-clocks/${clockId}`, { token: admin })).status).toBe(404);
    expect(await invoicesOf(tenant)).toEqual([]);
    expect((await call("GET", `invoices/${inv.id}`, { token: admin })).status).toBe(404);
    expect((await call("GET", `subscriptions/${sub.id}`, { token: admin })).status).toBe(404);
    expect((await call("GET", `tenants/${tenant}/subscriptions`, { token: admin })).json.data).toEqual([]);
    const summary = await call("GET", `tenants/${tenant}/usage/summary?from=2028-03-01T00:00:00Z&to=2029-01-01T00:00:00Z`, { token: admin });
    expect(summary.status, summary.text).toBe(200);
    expect(summary.json.data.items).toEqual([]);
    const credits = await call("GET", `tenants/${tenant}/credits`, { token: admin });
    expect(credits.json.data.balances.filter((b: any) => b.balance !== 0)).toEqual([]);
    const quotas = await call("GET", `quotas/tenants/${tenant}`, { token: admin });
    expect(quotas.json.data).toEqual([]);
    // Its redemption no longer counts against the coupon.
    expect((await call("GET", `coupons/${coupon.json.data.id}`, { token: admin })).json.data.timesRedeemed).toBe(0);
    // Nothing is left: the id can start again on a new clock.
    const again = await clockWith("2029-01-01T00:00:00Z", [tenant]);
    expect((await call("GET", `test-clocks/${again}`, { token: admin })).json.data.tenants).toEqual([tenant]);
  });
  it("never starts an advance on a clock whose deletion has begun, and a second delete finishes the first", async () => {
    const admin = await adminToken();
    const clockId = await clockWith("2028-09-01T00:00:00Z", ["tc-val-deleting"]);
    // What a delete that stopped half-way leaves behind (its claim made, its tenants not yet erased).
    await env.DB.prepare("UPDATE test_clocks SET status = 'failed', failure = 'The test clock is being deleted' WHERE id = ?").bind(clockId).run();
    const advanced = await call("POST", `test-clocks/${clockId}/advance`, { token: admin, body: { frozenTime: "2028-10-01T00:00:00Z" } });
    expect(advanced.status, advanced.text).toBe(409);
    expect(advanced.json.error.message).toBe("The test clock is being deleted");
    const deleted = await call("DELETE", `test-clocks/${clockId}`, { token: admin });
    expect(deleted.status, deleted.text).toBe(200);
    expect(deleted.json.data).toEqual({ id: clockId, deleted: true, tenants: ["tc-val-deleting"] });
    expect((await call("GET", `test-clocks/${clockId}`, { token: admin })).status).toBe(404);
  });
});
