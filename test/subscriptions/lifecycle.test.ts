import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { database } from "../../src/db/client";
import { markPastDue, recoverFromPastDue } from "../../src/subscriptions/service";
import { adminToken, call, token } from "../helpers";
import { standardPlans } from "./fixtures";

beforeAll(standardPlans);

async function subscribe(tenant: string, body: Record<string, unknown> = { planId: "basic-29" }) {
  const t = await token({ tenant });
  const res = await call("POST", `tenants/${tenant}/subscriptions`, { token: t, body });
  expect(res.status).toBe(201);
  return { t, id: res.json.data.id as string, sub: res.json.data };
}

const post = (path: string, t: string, body?: unknown) => call("POST", path, { token: t, body });

function expectInvalidState(res: Awaited<ReturnType<typeof call>>, status: string) {
  expect(res.status).toBe(409);
  expect(res.json.error.code).toBe("INVALID_STATE");
  expect(res.json.error.message).toContain(status);
  expect(res.json.error.details.status).toBe(status);
}

describe("create and read", () => {
  it("creates a trialing subscription from the plan's trial days and reads it three ways", async () => {
    const { t, id, sub } = await subscribe("life-create", { planId: "trial-49" });
    expect(sub).toMatchObject({ tenantId: "life-create", planId: "trial-49", status: "trialing", currency: "USD", discounts: [] });
    expect(Date.parse(sub.trialEnd) - Date.parse(sub.trialStart)).toBe(14 * 86_400_000);

    const active = await call("GET", "tenants/life-create/subscription", { token: t });
    expect(active.status).toBe(200);
    expect(active.json.data.id).toBe(id);
    expect((await call("GET", `subscriptions/${id}`, { token: t })).json.data.id).toBe(id);
    const list = await call("GET", "tenants/life-create/subscriptions", { token: await token({ tenant: "life-create", scope: "billing:read" }) });
    expect(list.json).toMatchObject({ success: true, data: [{ id }], pagination: { hasMore: false } });
  });

  it("answers 404 when the tenant has no live subscription", async () => {
    const res = await call("GET", "tenants/life-none/subscription", { token: await token({ tenant: "life-none" }) });
    expect(res.status).toBe(404);
    expect(res.json.error.code).toBe("NOT_FOUND");
  });

  it("allows one live subscription per tenant, and one per project", async () => {
    const { t } = await subscribe("life-one");
    const second = await post("tenants/life-one/subscriptions", t, { planId: "premium-99" });
    expect(second.status).toBe(409);
    expect(second.json.error.message).toContain("already has a live subscription");
    const project = await post("tenants/life-one/subscriptions", t, { planId: "premium-99", projectId: "proj-a" });
    expect(project.status).toBe(201);
    expect((await post("tenants/life-one/subscriptions", t, { planId: "basic-29", projectId: "proj-a" })).status).toBe(409);
    const byProject = await call("GET", "tenants/life-one/subscription?projectId=proj-a", { token: t });
    expect(byProject.json.data).toMatchObject({ projectId: "proj-a", planId: "premium-99" });
    const tenantWide = await call("GET", "tenants/life-one/subscription", { token: t });
    expect(tenantWide.json.data).toMatchObject({ projectId: null, planId: "basic-29" });
  });

  it("lists newest first with cursor pagination", async () => {
    const { t, id: first } = await subscribe("life-list");
    await post(`subscriptions/${first}/cancel`, t, { atPeriodEnd: false });
    const second = (await post("tenants/life-list/subscriptions", t, { planId: "premium-99" })).json.data.id;
    const page1 = await call("GET", "tenants/life-list/subscriptions?limit=1", { token: t });
    expect(page1.json.data.map((s: { id: string }) => s.id)).toEqual([second]);
    const page2 = await call("GET", `tenants/life-list/subscriptions?limit=1&cursor=${page1.json.pagination.nextCursor}`, { token: t });
    expect(page2.json.data.map((s: { id: string }) => s.id)).toEqual([first]);
    expect(page2.json.pagination.hasMore).toBe(false);
    const canceled = await call("GET", "tenants/life-list/subscriptions?status=canceled", { token: t });
    expect(canceled.json.data.map((s: { id: string }) => s.id)).toEqual([first]);
  });

  it("rejects bad input with the field path and writes nothing", async () => {
    const t = await token({ tenant: "life-bad" });
    const cases: Array<[unknown, string]> = [
      [{ planId: "basic-29", extra: 1 }, "(root)"],
      [{ planId: "Not A Plan!" }, "planId"],
      [{ planId: "basic-29", startAt: "yesterday" }, "startAt"],
      [{ planId: "basic-29", startAt: new Date(Date.now() + 86_400_000).toISOString() }, "startAt"],
      [{ planId: "basic-29", trial: true }, "trial"],
      [{ planId: "basic-29", couponCode: "x" }, "couponCode"],
    ];
    for (const [body, path] of cases) {
      const res = await post("tenants/life-bad/subscriptions", t, body);
      expect([res.status, res.json.error.details?.[0]?.path]).toEqual([400, path]);
    }
    expect((await post("tenants/life-bad/subscriptions", t, { planId: "ghost" })).status).toBe(404);
    const malformed = await call("POST", "tenants/life-bad/subscriptions", { token: t, body: "{", headers: { "content-type": "application/json" } });
    expect(malformed.status).toBe(400);
    expect((await call("GET", "tenants/life-bad/subscriptions", { token: t })).json.data).toEqual([]);
  });
});

describe("transitions", () => {
  it("change-plan now: the proration it makes, and the segment it cuts; to the same plan: 409", async () => {
    const { t, id } = await subscribe("life-change");
    const res = await post(`subscriptions/${id}/change-plan`, t, { planId: "premium-99", prorate: true, at: "now" });
    expect(res.status).toBe(200);
    expect(res.json.data.planId).toBe("premium-99");
    expect(res.json.data.prorations).toHaveLength(2);
    const [credit, charge] = res.json.data.prorations;
    expect(credit.amount).toBeLessThan(0);
    expect(charge.amount).toBeGreaterThan(0);
    const segments = await call("GET", `subscriptions/${id}/segments`, { token: t });
    expect(segments.json.data.map((s: { state: string; fee: { planId: string } | null }) => [s.state, s.fee?.planId])).toEqual([
      ["active", "basic-29"],
      ["active", "premium-99"],
    ]);
    expect(segments.json.data[1].from).toBe(credit.periodStart);
    const same = await post(`subscriptions/${id}/change-plan`, t, { planId: "premium-99" });
    expect([same.status, same.json.error.code]).toEqual([409, "CONFLICT"]);
    expect((await post(`subscriptions/${id}/change-plan`, t, { planId: "ghost" })).status).toBe(404);
    expect((await post(`subscriptions/${id}/change-plan`, t, { planId: "basic-29", at: "later" })).status).toBe(400);
  });

  it("change-plan at period end schedules; refused while a cancellation is pending", async () => {
    const { t, id } = await subscribe("life-schedule", { planId: "premium-99" });
    const res = await post(`subscriptions/${id}/change-plan`, t, { planId: "basic-29", at: "period_end" });
    expect(res.json.data).toMatchObject({ planId: "premium-99", scheduledChange: { planId: "basic-29" }, prorations: [] });
    expect(res.json.data.scheduledChange.at).toBe(res.json.data.currentPeriodEnd);
    await post(`subscriptions/${id}/cancel`, t);
    const refused = await post(`subscriptions/${id}/change-plan`, t, { planId: "basic-29", at: "period_end" });
    expectInvalidState(refused, "active");
  });

  it("cancel at period end (default, no body), twice: 409; reactivate; reactivate again: 409", async () => {
    const { t, id } = await subscribe("life-cancel");
    const res = await call("POST", `subscriptions/${id}/cancel`, { token: t });
    expect(res.status).toBe(200);
    expect(res.json.data).toMatchObject({ status: "active", cancelAtPeriodEnd: true });
    expect(res.json.data.cancelAt).toBe(res.json.data.currentPeriodEnd);
    expectInvalidState(await post(`subscriptions/${id}/cancel`, t, { atPeriodEnd: true }), "active");
    const re = await post(`subscriptions/${id}/reactivate`, t);
    expect(re.json.data).toMatchObject({ id, status: "active", cancelAtPeriodEnd: false, cancelAt: null });
    expectInvalidState(await post(`subscriptions/${id}/reactivate`, t), "active");
    expect((await post(`subscriptions/${id}/cancel`, t, { atPeriodEnd: true, prorate: true })).status).toBe(400);
  });

  it("pause and resume, and every pause/resume that does not fit the state", async () => {
    const { t, id } = await subscribe("life-pause");
    expectInvalidState(await post(`subscriptions/${id}/resume`, t), "active");
    const resumesAt = new Date(Date.now() + 7 * 86_400_000).toISOString();
    const paused = await post(`subscriptions/${id}/pause`, t, { resumesAt });
    expect(paused.json.data).toMatchObject({ status: "paused", resumesAt });
    expectInvalidState(await post(`subscriptions/${id}/pause`, t), "paused");
    expectInvalidState(await post(`subscriptions/${id}/change-plan`, t, { planId: "premium-99" }), "paused");
    const resumed = await post(`subscriptions/${id}/resume`, t, {});
    expect(resumed.json.data).toMatchObject({ status: "active", pausedAt: null, resumesAt: null });
    const past = await post(`subscriptions/${id}/pause`, t, { resumesAt: "2020-01-01T00:00:00Z" });
    expect([past.status, past.json.error.details[0].path]).toEqual([400, "resumesAt"]);
  });

  it("a trial cannot be paused", async () => {
    const { t, id } = await subscribe("life-trial-pause", { planId: "trial-49" });
    expectInvalidState(await post(`subscriptions/${id}/pause`, t), "trialing");
  });

  it("past_due allows a plan change but not a pause, and recovers to active", async () => {
    const { t, id } = await subscribe("life-pastdue");
    const db = database(env.DB);
    await markPastDue(env, db, id, Date.now());
    expectInvalidState(await post(`subscriptions/${id}/pause`, t), "past_due");
    expect((await post(`subscriptions/${id}/change-plan`, t, { planId: "premium-99", prorate: false })).status).toBe(200);
    await expect(markPastDue(env, db, id, Date.now())).rejects.toMatchObject({ code: "INVALID_STATE" });
    expect((await recoverFromPastDue(env, db, id, Date.now())).status).toBe("active");
  });

  it("cancel now: every further transition is 409 except reactivate, which starts a new subscription", async () => {
    const { t, id } = await subscribe("life-canceled");
    const res = await post(`subscriptions/${id}/cancel`, t, { atPeriodEnd: false, prorate: true });
    expect(res.json.data.status).toBe("canceled");
    expect(res.json.data.prorations).toHaveLength(1);
    expect(res.json.data.prorations[0].amount).toBeLessThan(0);
    for (const [action, body] of [
      ["cancel", { atPeriodEnd: false }],
      ["cancel", undefined],
      ["change-plan", { planId: "premium-99" }],
      ["pause", undefined],
      ["resume", undefined],
      ["discount", { couponCode: "NOPE-CODE" }],
    ] as const) {
      expectInvalidState(await post(`subscriptions/${id}/${action}`, t, body), "canceled");
    }
    expect((await call("GET", "tenants/life-canceled/subscription", { token: t })).status).toBe(404);
    const re = await post(`subscriptions/${id}/reactivate`, t);
    expect(re.status).toBe(200);
    expect(re.json.data).toMatchObject({ status: "active", reactivatedFrom: id, planId: "basic-29" });
    expect(re.json.data.id).not.toBe(id);
    expect((await call("GET", "tenants/life-canceled/subscription", { token: t })).json.data.id).toBe(re.json.data.id);
  });
});

describe("discounts and credits", () => {
  it("ad-hoc discounts are admin-only; admin gets them with the subscription's currency", async () => {
    const { t, id } = await subscribe("life-discount");
    const denied = await post(`subscriptions/${id}/discount`, t, { percentOff: 50, duration: "forever" });
    expect([denied.status, denied.json.error.code]).toEqual([403, "FORBIDDEN"]);
    const admin = await adminToken();
    const res = await post(`subscriptions/${id}/discount`, admin, { percentOff: 12.5, duration: "repeating", durationInMonths: 3 });
    expect(res.status).toBe(200);
    expect(res.json.data.discounts).toMatchObject([{ percentOff: 12.5, amountOff: null, duration: "repeating", remainingPeriods: 3, couponId: null }]);
    const amount = await post(`subscriptions/${id}/discount`, admin, { amountOff: 500, description: "Goodwill" });
    expect(amount.json.data.discounts[1]).toMatchObject({ amountOff: 500, currency: "USD", duration: "once", remainingPeriods: 1, description: "Goodwill" });
    const wrongCurrency = await post(`subscriptions/${id}/discount`, admin, { amountOff: 500, currency: "EUR" });
    expect([wrongCurrency.status, wrongCurrency.json.error.details[0].path]).toEqual([400, "currency"]);
    for (const body of [{ percentOff: 10, amountOff: 5 }, { percentOff: 101 }, { percentOff: 10.005 }, { percentOff: 10, duration: "repeating" }, {}]) {
      expect((await post(`subscriptions/${id}/discount`, admin, body)).status).toBe(400);
    }
  });

  it("credits: admin only, in the subscription's currency, visible as balance and movements", async () => {
    const { t, id } = await subscribe("life-credits");
    expect((await post(`subscriptions/${id}/credits`, t, { amount: 500, reason: "x" })).status).toBe(403);
    const admin = await adminToken();
    const first = await post(`subscriptions/${id}/credits`, admin, { amount: 500, reason: "Outage goodwill" });
    expect(first.status).toBe(201);
    expect(first.json.data).toMatchObject({
      tenantId: "life-credits",
      currency: "USD",
      balance: 500,
      movement: { kind: "grant", amount: 500, reason: "Outage goodwill" },
    });
    const expiresAt = new Date(Date.now() + 30 * 86_400_000).toISOString();
    const second = await post(`subscriptions/${id}/credits`, admin, { amount: 250, currency: "usd", reason: "Promo", expiresAt });
    expect(second.json.data.balance).toBe(750);
    expect(second.json.data.movement.expiresAt).toBe(expiresAt);
    expect((await post(`subscriptions/${id}/credits`, admin, { amount: 1, currency: "EUR", reason: "x" })).status).toBe(400);
    expect((await post(`subscriptions/${id}/credits`, admin, { amount: 1, reason: "x", expiresAt: "2020-01-01T00:00:00Z" })).status).toBe(400);
    for (const amount of [0, -5, 1.5, "5"]) expect((await post(`subscriptions/${id}/credits`, admin, { amount, reason: "x" })).status).toBe(400);

    const balances = await call("GET", "tenants/life-credits/credits", { token: t });
    expect(balances.json.data).toEqual({ tenantId: "life-credits", balances: [{ currency: "USD", balance: 750 }] });
    const movements = await call("GET", "tenants/life-credits/credits/movements?limit=1", { token: t });
    expect(movements.json.data.map((m: { amount: number }) => m.amount)).toEqual([250]);
    expect(movements.json.pagination.hasMore).toBe(true);
  });
});

describe("tenant isolation", () => {
  it("tenant B can neither read nor change tenant A's subscriptions", async () => {
    const { id } = await subscribe("iso-a");
    const b = await token({ tenant: "iso-b", scope: "billing:read billing:update usage:write" });
    for (const path of [`subscriptions/${id}`, `subscriptions/${id}/segments`]) {
      const res = await call("GET", path, { token: b });
      expect([path, res.status, res.json.error.message]).toEqual([path, 404, `Subscription not found: ${id}`]);
    }
    for (const [action, body] of [
      ["change-plan", { planId: "premium-99" }],
      ["cancel", { atPeriodEnd: false }],
      ["reactivate", undefined],
      ["pause", undefined],
      ["resume", undefined],
      ["discount", { couponCode: "SOME-CODE" }],
    ] as const) {
      expect([action, (await post(`subscriptions/${id}/${action}`, b, body)).status]).toEqual([action, 404]);
    }
    for (const path of ["tenants/iso-a/subscription", "tenants/iso-a/subscriptions", "tenants/iso-a/credits", "tenants/iso-a/credits/movements"]) {
      expect([path, (await call("GET", path, { token: b })).status]).toEqual([path, 403]);
    }
    expect((await post("tenants/iso-a/subscriptions", b, { planId: "basic-29" })).status).toBe(403);
    // A's subscription is untouched.
    const a = await call("GET", `subscriptions/${id}`, { token: await token({ tenant: "iso-a" }) });
    expect(a.json.data).toMatchObject({ status: "active", planId: "basic-29", cancelAtPeriodEnd: false });
    // Admins see any tenant's.
    expect((await call("GET", `subscriptions/${id}`, { token: await adminToken() })).status).toBe(200);
  });

  it("a read-only token cannot change anything", async () => {
    const { id } = await subscribe("iso-readonly");
    const ro = await token({ tenant: "iso-readonly", scope: "billing:read" });
    expect((await post(`subscriptions/${id}/cancel`, ro)).status).toBe(403);
    expect((await post("tenants/iso-readonly/subscriptions", ro, { planId: "basic-29" })).status).toBe(403);
    expect((await call("GET", `subscriptions/${id}`, { token: ro })).status).toBe(200);
  });
});
