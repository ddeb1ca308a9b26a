import { beforeAll, describe, expect, it } from "vitest";
import { adminToken, call, token } from "../helpers";
import { newTenant, recordEvent, writer } from "../metering/support";

// Entitlements through the public API only: plans created by an admin, subscriptions, usage,
// plan changes and pauses by the tenant, and the two entitlement calls.

const FREE = {
  id: "ent-free",
  name: "Entitlements Free",
  basePrice: 0,
  meters: [
    { metric: "apiCalls", limit: 5 },
    { metric: "storage", aggregation: "latest", limit: 1000 },
  ],
  features: [
    { key: "sso", type: "boolean", value: false },
    { key: "support", type: "static", value: "community" },
    { key: "seats", type: "static", value: 1 },
    { key: "apiCalls", type: "metered", metric: "apiCalls" },
    { key: "storage", type: "metered", metric: "storage" },
  ],
};

const PRO = {
  id: "ent-pro",
  name: "Entitlements Pro",
  basePrice: 2900,
  meters: [{ metric: "apiCalls", limit: 100 }, { metric: "llmTokens" }],
  features: [
    { key: "sso", type: "boolean" },
    { key: "support", type: "static", value: "priority" },
    { key: "seats", type: "static", value: 10 },
    { key: "apiCalls", type: "metered", metric: "apiCalls" },
    { key: "llmTokens", type: "metered", metric: "llmTokens" },
  ],
};

beforeAll(async () => {
  const admin = await adminToken();
  for (const plan of [FREE, PRO]) {
    const res = await call("POST", "plans", { token: admin, body: plan });
    expect(res.status, res.text).toBe(201);
  }
});

async function subscribed(prefix: string, planId = FREE.id, extra: Record<string, unknown> = {}) {
  const tenant = newTenant(prefix);
  const t = await writer(tenant);
  const res = await call("POST", `tenants/${tenant}/subscriptions`, { token: t, body: { planId, trial: false, ...extra } });
  expect(res.status, res.text).toBe(201);
  return { tenant, t, sub: res.json.data as { id: string; currentPeriodEnd: string } };
}

const entitlements = async (tenant: string, t: string, query = "") => {
  const res = await call("GET", `tenants/${tenant}/entitlements${query ? `?${query}` : ""}`, { token: t });
  expect(res.status, res.text).toBe(200);
  return res.json.data;
};

const feature = async (tenant: string, t: string, key: string, query = "") => {
  const res = await call("GET", `tenants/${tenant}/entitlements/${key}${query ? `?${query}` : ""}`, { token: t });
  expect(res.status, res.text).toBe(200);
  return res.json.data;
};

const byKey = (data: { features: Array<{ key: string; enabled: boolean }> }) => Object.fromEntries(data.features.map((f) => [f.key, f]));

const use = async (tenant: string, t: string, metric: string, quantity: number, projectId?: string) => {
  const res = await recordEvent(tenant, t, { eventId: crypto.randomUUID(), metric, quantity, ...(projectId ? { projectId } : {}) });
  return res.status;
};

describe("entitlements of a plan", () => {
  it("a tenant without a subscription has none: planId null, no features, every key 404", async () => {
    const tenant = newTenant("ent-none");
    const t = await writer(tenant);
    expect(await entitlements(tenant, t)).toEqual({
      tenantId: tenant,
      planId: null,
      subscriptionId: null,
      features: [],
      wallet: { policy: null, balances: [] },
    });
    const res = await call("GET", `tenants/${tenant}/entitlements/sso`, { token: t });
    expect(res.status).toBe(404);
    expect(res.json.error).toMatchObject({ code: "NOT_FOUND", message: "Feature not found: sso" });
  });

  it("lists boolean, static and metered features of the free plan, in the plan's order", async () => {
    const { tenant, t, sub } = await subscribed("ent-list");
    expect(await entitlements(tenant, t)).toEqual({
      tenantId: tenant,
      planId: FREE.id,
      subscriptionId: sub.id,
      features: [
        { key: "sso", type: "boolean", enabled: false, value: false },
        { key: "support", type: "static", enabled: true, value: "community" },
        { key: "seats", type: "static", enabled: true, value: 1 },
        { key: "apiCalls", type: "metered", enabled: true, limit: 5, used: 0, remaining: 5, resetsAt: sub.currentPeriodEnd },
        { key: "storage", type: "metered", enabled: true, limit: 1000, used: 0, remaining: 1000, resetsAt: sub.currentPeriodEnd },
      ],
      wallet: { policy: null, balances: [] },
    });
  });

  it("usage moves used and remaining; a metered key is allowed up to its hard limit, exactly reaching it included", async () => {
    const { tenant, t, sub } = await subscribed("ent-usage");
    expect(await use(tenant, t, "apiCalls", 3)).toBe(200);
    expect(byKey(await entitlements(tenant, t)).apiCalls).toMatchObject({ enabled: true, limit: 5, used: 3, remaining: 2 });

    expect(await feature(tenant, t, "apiCalls")).toEqual({
      key: "apiCalls",
      allowed: true,
      type: "metered",
      enabled: true,
      limit: 5,
      used: 3,
      remaining: 2,
      resetsAt: sub.currentPeriodEnd,
    });
    expect(await feature(tenant, t, "apiCalls", "quantity=2")).toMatchObject({ allowed: true, remaining: 2 });
    expect(await feature(tenant, t, "apiCalls", "quantity=2.5")).toMatchObject({ allowed: false, reason: "QUOTA_EXCEEDED", used: 3, remaining: 2 });
    // The meter agrees: what the entitlement refuses, usage is refused for.
    expect(await use(tenant, t, "apiCalls", 2.5)).toBe(402);
    expect(await use(tenant, t, "apiCalls", 2)).toBe(200);

    const exhausted = byKey(await entitlements(tenant, t)).apiCalls;
    expect(exhausted).toMatchObject({ enabled: false, used: 5, remaining: 0 });
    expect(await feature(tenant, t, "apiCalls")).toMatchObject({ allowed: false, reason: "QUOTA_EXCEEDED", enabled: false });
  });

  it("a gauge counts the reading: a new reading under the limit is allowed", async () => {
    const { tenant, t } = await subscribed("ent-gauge");
    expect(await use(tenant, t, "storage", 900)).toBe(200);
    expect(byKey(await entitlements(tenant, t)).storage).toMatchObject({ enabled: true, used: 900, remaining: 100 });
    expect(await feature(tenant, t, "storage", "quantity=1000")).toMatchObject({ allowed: true });
    expect(await feature(tenant, t, "storage", "quantity=1001")).toMatchObject({ allowed: false, reason: "QUOTA_EXCEEDED" });
  });

  it("a boolean feature that is off is not allowed; a static one is, with its value", async () => {
    const { tenant, t } = await subscribed("ent-bool");
    expect(await feature(tenant, t, "sso")).toEqual({ key: "sso", allowed: false, reason: "FEATURE_DISABLED", type: "boolean", enabled: false, value: false });
    expect(await feature(tenant, t, "support")).toEqual({ key: "support", allowed: true, type: "static", enabled: true, value: "community" });
    // quantity means nothing to a feature that is not metered.
    expect(await feature(tenant, t, "seats", "quantity=50")).toMatchObject({ allowed: true, value: 1 });
    const missing = await call("GET", `tenants/${tenant}/entitlements/llmTokens`, { token: t });
    expect(missing.status).toBe(404);
    expect(missing.json.error.code).toBe("NOT_FOUND");
  });

  it("an unlimited metered feature shows its usage in the billing period, with no limit", async () => {
    const { tenant, t, sub } = await subscribed("ent-unl", PRO.id);
    expect(await use(tenant, t, "llmTokens", 1500)).toBe(200);
    expect(byKey(await entitlements(tenant, t)).llmTokens).toEqual({
      key: "llmTokens",
      type: "metered",
      enabled: true,
      limit: null,
      used: 1500,
      remaining: null,
      resetsAt: sub.currentPeriodEnd,
    });
    expect(await feature(tenant, t, "llmTokens", "quantity=1000000")).toMatchObject({ allowed: true, limit: null });
  });

  it("the binding quota decides: a tenant's own tighter quota, an operator's override of the plan's limit", async () => {
    const { tenant, t } = await subscribed("ent-quota", PRO.id);
    expect(await use(tenant, t, "apiCalls", 8)).toBe(200);
    const own = await call("POST", "quotas", { token: t, body: { tenantId: tenant, metric: "apiCalls", limit: 10, period: "day" } });
    expect(own.status, own.text).toBe(201);
    expect(byKey(await entitlements(tenant, t)).apiCalls).toMatchObject({ limit: 10, used: 8, remaining: 2 });
    expect(await feature(tenant, t, "apiCalls", "quantity=3")).toMatchObject({ allowed: false, reason: "QUOTA_EXCEEDED", limit: 10 });

    expect((await call("DELETE", `quotas/${own.json.data.id}`, { token: t })).status).toBe(200);
    const operator = await call("POST", "quotas", {
      token: await adminToken(),
      body: { tenantId: tenant, metric: "apiCalls", limit: 1000, period: "billing_period" },
    });
    expect(operator.status, operator.text).toBe(201);
    expect(byKey(await entitlements(tenant, t)).apiCalls).toMatchObject({ limit: 1000, used: 8, remaining: 992 });
    expect(await feature(tenant, t, "apiCalls", "quantity=500")).toMatchObject({ allowed: true });
  });
});

describe("entitlements follow the subscription at once", () => {
  it("a plan change (free → pro) changes every feature immediately; usage so far still counts", async () => {
    const { tenant, t, sub } = await subscribed("ent-change");
    expect(await use(tenant, t, "apiCalls", 5)).toBe(200);
    expect(await feature(tenant, t, "apiCalls")).toMatchObject({ allowed: false, limit: 5 });

    const change = await call("POST", `subscriptions/${sub.id}/change-plan`, { token: t, body: { planId: PRO.id, at: "now" } });
    expect(change.status, change.text).toBe(200);
    const after = await entitlements(tenant, t);
    expect(after).toMatchObject({ planId: PRO.id, subscriptionId: sub.id });
    expect(byKey(after)).toEqual({
      sso: { key: "sso", type: "boolean", enabled: true, value: true },
      support: { key: "support", type: "static", enabled: true, value: "priority" },
      seats: { key: "seats", type: "static", enabled: true, value: 10 },
      apiCalls: expect.objectContaining({ enabled: true, limit: 100, used: 5, remaining: 95 }),
      llmTokens: expect.objectContaining({ enabled: true, limit: null }),
    });
    expect(await feature(tenant, t, "sso")).toMatchObject({ allowed: true });
    expect(await feature(tenant, t, "apiCalls")).toMatchObject({ allowed: true, remaining: 95 });
    expect((await call("GET", `tenants/${tenant}/entitlements/storage`, { token: t })).status).toBe(404);
  });

  it("an edit of the plan does not change a subscriber's entitlements until it moves to the new version", async () => {
    const admin = await adminToken();
    const plan = {
      id: `ent-ver-${crypto.randomUUID().slice(0, 6)}`,
      name: "Versioned",
      basePrice: 0,
      features: [{ key: "sso", type: "boolean", value: false }],
    };
    expect((await call("POST", "plans", { token: admin, body: plan })).status).toBe(201);
    const { tenant, t } = await subscribed("ent-ver", plan.id);
    const updated = await call("PUT", `plans/${plan.id}`, { token: admin, body: { features: [{ key: "sso", type: "boolean", value: true }] } });
    expect(updated.status, updated.text).toBe(200);
    expect(updated.json.data).toMatchObject({ version: 2, features: [{ key: "sso", type: "boolean", value: true }] });
    expect(byKey(await entitlements(tenant, t)).sso).toMatchObject({ value: false });
    const newcomer = await subscribed("ent-ver2", plan.id);
    expect(byKey(await entitlements(newcomer.tenant, newcomer.t)).sso).toMatchObject({ value: true, enabled: true });
  });

  it("a paused subscription allows nothing; resumed, it does again", async () => {
    const { tenant, t, sub } = await subscribed("ent-pause", PRO.id);
    expect((await call("POST", `subscriptions/${sub.id}/pause`, { token: t, body: {} })).status).toBe(200);
    const paused = byKey(await entitlements(tenant, t));
    expect(Object.values(paused).map((f) => f.enabled)).toEqual([false, false, false, false, false]);
    expect(paused.seats).toMatchObject({ value: 10 });
    expect(await feature(tenant, t, "sso")).toMatchObject({ allowed: false, reason: "SUBSCRIPTION_PAUSED", value: true });
    expect(await feature(tenant, t, "apiCalls")).toMatchObject({ allowed: false, reason: "SUBSCRIPTION_PAUSED", limit: 100, used: 0 });

    expect((await call("POST", `subscriptions/${sub.id}/resume`, { token: t, body: {} })).status).toBe(200);
    expect(await feature(tenant, t, "sso")).toMatchObject({ allowed: true, enabled: true });
  });

  it("a canceled subscription entitles to nothing", async () => {
    const { tenant, t, sub } = await subscribed("ent-cancel", PRO.id);
    expect((await call("POST", `subscriptions/${sub.id}/cancel`, { token: t, body: { atPeriodEnd: false } })).status).toBe(200);
    expect(await entitlements(tenant, t)).toMatchObject({ planId: null, subscriptionId: null, features: [] });
  });

  it("a project's own subscription governs that project's entitlements; the tenant-wide one the rest", async () => {
    const { tenant, t } = await subscribed("ent-proj");
    const project = await call("POST", `tenants/${tenant}/subscriptions`, { token: t, body: { planId: PRO.id, projectId: "proj-big", trial: false } });
    expect(project.status, project.text).toBe(201);
    expect(await use(tenant, t, "apiCalls", 7, "proj-big")).toBe(200);
    expect(await use(tenant, t, "apiCalls", 1)).toBe(200);

    const big = await entitlements(tenant, t, "projectId=proj-big");
    expect(big).toMatchObject({ planId: PRO.id, subscriptionId: project.json.data.id });
    expect(byKey(big).apiCalls).toMatchObject({ limit: 100, used: 7 });
    expect(await feature(tenant, t, "sso", "projectId=proj-big")).toMatchObject({ allowed: true });

    for (const query of ["", "projectId=proj-other"]) {
      const rest = await entitlements(tenant, t, query);
      expect(rest.planId).toBe(FREE.id);
      expect(byKey(rest).apiCalls).toMatchObject({ limit: 5, used: 1 });
    }
  });

  it("the seeded plans carry config.json's features (pro: sso on, email support)", async () => {
    const tenant = newTenant("ent-seed");
    const t = await writer(tenant);
    const res = await call("POST", `tenants/${tenant}/subscriptions`, { token: t, body: { planId: "pro" } });
    expect(res.status, res.text).toBe(201);
    expect(res.json.data.status).toBe("trialing");
    const features = byKey(await entitlements(tenant, t));
    expect(Object.keys(features)).toEqual(["sso", "auditLog", "support", "seats", "apiCalls", "llmTokens", "storage"]);
    expect(features).toMatchObject({
      sso: { enabled: true, value: true },
      auditLog: { enabled: false, value: false },
      support: { value: "email" },
      seats: { value: 10 },
      apiCalls: { limit: 100000, used: 0 },
    });
  });
});

describe("access", () => {
  it("another tenant's token gets 403, like every tenant-scoped route; a token without a read scope gets 403", async () => {
    const { tenant, t } = await subscribed("ent-iso-a");
    const other = await writer(newTenant("ent-iso-b"));
    for (const path of [`tenants/${tenant}/entitlements`, `tenants/${tenant}/entitlements/sso`, `tenants/${tenant}/entitlements/nope`]) {
      const res = await call("GET", path, { token: other });
      expect(res.status, path).toBe(403);
      expect(res.json.error.code).toBe("FORBIDDEN");
      expect(res.text).not.toContain(FREE.id);
    }
    const updateOnly = await token({ tenant, scope: "billing:update" });
    expect((await call("GET", `tenants/${tenant}/entitlements`, { token: updateOnly })).status).toBe(403);
    expect((await call("GET", `tenants/${tenant}/entitlements`)).status).toBe(401);
    // The read scopes quota checks accept, and admin.
    for (const scope of ["billing:read", "usage:write"]) {
      expect((await call("GET", `tenants/${tenant}/entitlements`, { token: await token({ tenant, scope }) })).status, scope).toBe(200);
    }
    expect((await entitlements(tenant, await adminToken())).planId).toBe(FREE.id);
    expect((await entitlements(tenant, t)).planId).toBe(FREE.id);
  });

  it("validates the query and the key", async () => {
    const { tenant, t } = await subscribed("ent-q");
    for (const path of ["entitlements/apiCalls?quantity=-1", "entitlements/apiCalls?quantity=abc", "entitlements/bad%20key", "entitlements?projectId="]) {
      const res = await call("GET", `tenants/${tenant}/${path}`, { token: t });
      expect(res.status, path).toBe(400);
      expect(res.json.error.code).toBe("VALIDATION_ERROR");
    }
  });
});

describe("feature definitions are validated", () => {
  const base = { name: "Bad", basePrice: 0, meters: [{ metric: "apiCalls", limit: 10 }] };
  const cases: Array<[string, unknown[], string, RegExp]> = [
    ["a key that is not a name", [{ key: "single sign-on", type: "boolean" }], "features.0.key", /letters, digits/],
    [
      "a duplicate key",
      [
        { key: "sso", type: "boolean" },
        { key: "sso", type: "static", value: "x" },
      ],
      "features.1.key",
      /duplicate feature key/,
    ],
    ["an unknown type", [{ key: "sso", type: "toggle" }], "features.0.type", /boolean, static, metered/],
    ["a boolean with a string value", [{ key: "sso", type: "boolean", value: "yes" }], "features.0.value", /boolean/],
    ["a static feature without a value", [{ key: "support", type: "static" }], "features.0.value", /./],
    ["a static feature with an object value", [{ key: "support", type: "static", value: { tier: 1 } }], "features.0.value", /./],
    ["a metered feature without a metric", [{ key: "calls", type: "metered" }], "features.0.metric", /./],
    [
      "a metered feature on a metric the plan does not meter",
      [{ key: "tokens", type: "metered", metric: "llmTokens" }],
      "features.0.metric",
      /one of the plan's meters \(apiCalls\)/,
    ],
    ["a boolean with a metric", [{ key: "sso", type: "boolean", metric: "apiCalls" }], "features.0", /metric/],
    ["a metered feature with a value", [{ key: "calls", type: "metered", metric: "apiCalls", value: 3 }], "features.0", /value/],
  ];
  for (const [what, features, path, message] of cases) {
    it(`refuses ${what} with a 400 naming ${path}`, async () => {
      const res = await call("POST", "plans", { token: await adminToken(), body: { id: `ent-bad-${crypto.randomUUID().slice(0, 6)}`, ...base, features } });
      expect(res.status, res.text).toBe(400);
      expect(res.json.error.code).toBe("VALIDATION_ERROR");
      const issue = res.json.error.details.find((d: { path: string }) => d.path === path);
      expect(issue, res.text).toBeDefined();
      expect(issue.message).toMatch(message);
    });
  }

  it("checks an update against the merged plan: features naming a metric it lacks, meters dropping one a feature names", async () => {
    const admin = await adminToken();
    const id = `ent-upd-${crypto.randomUUID().slice(0, 6)}`;
    const created = await call("POST", "plans", { token: admin, body: { id, ...base, features: [{ key: "calls", type: "metered", metric: "apiCalls" }] } });
    expect(created.status, created.text).toBe(201);
    expect(created.json.data.features).toEqual([{ key: "calls", type: "metered", metric: "apiCalls" }]);

    const badFeatures = await call("PUT", `plans/${id}`, { token: admin, body: { features: [{ key: "tokens", type: "metered", metric: "llmTokens" }] } });
    expect(badFeatures.status).toBe(400);
    expect(badFeatures.json.error.details).toEqual([{ path: "features.0.metric", message: expect.stringContaining("plan's meters"), code: "custom" }]);
    const badMeters = await call("PUT", `plans/${id}`, { token: admin, body: { meters: [{ metric: "llmTokens" }] } });
    expect(badMeters.status).toBe(400);
    expect(badMeters.json.error.details[0].path).toBe("features.0.metric");

    const both = await call("PUT", `plans/${id}`, {
      token: admin,
      body: { meters: [{ metric: "llmTokens" }], features: [{ key: "tokens", type: "metered", metric: "llmTokens" }] },
    });
    expect(both.status, both.text).toBe(200);
    expect(both.json.data).toMatchObject({ version: 2, features: [{ key: "tokens", metric: "llmTokens" }] });
    expect((await call("GET", `plans/${id}?version=1`, { token: admin })).json.data.features).toEqual([{ key: "calls", type: "metered", metric: "apiCalls" }]);
  });

  it("a plan without features has none, and a boolean feature is on unless it says otherwise", async () => {
    const admin = await adminToken();
    const bare = await call("POST", "plans", { token: admin, body: { id: `ent-bare-${crypto.randomUUID().slice(0, 6)}`, ...base } });
    expect(bare.json.data.features).toEqual([]);
    const on = await call("POST", "plans", {
      token: admin,
      body: { id: `ent-on-${crypto.randomUUID().slice(0, 6)}`, ...base, features: [{ key: "sso", type: "boolean" }] },
    });
    expect(on.json.data.features).toEqual([{ key: "sso", type: "boolean", value: true }]);
  });
});

describe("entitlements with a wallet", () => {
  it("answer the wallet's balance in the same call, holds included", async () => {
    const tenant = `ent-wallet-${crypto.randomUUID().slice(0, 8)}`;
    const admin = await adminToken();
    const g = await call("POST", `tenants/${tenant}/wallet/grants`, { token: admin, body: { grantId: "g", amount: 700, currency: "EUR", reason: "prepaid" } });
    expect(g.status, g.text).toBe(201);
    const t = await token({ tenant, scope: "billing:read" });
    expect((await entitlements(tenant, t)).wallet).toEqual({ policy: "block", balances: [{ currency: "EUR", available: 700, held: 0 }] });
  });
});
