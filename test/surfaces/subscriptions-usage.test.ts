import { describe, expect, it } from "vitest";
import { adminToken, call, token } from "../helpers";

async function subscribe(tenant: string, planId: string, body: Record<string, unknown> = {}) {
  const res = await call("POST", `tenants/${tenant}/subscriptions`, { token: await token({ tenant }), body: { planId, trial: false, ...body } });
  expect(res.status, JSON.stringify(res.json)).toBe(201);
  return res.json.data;
}

describe("seed 003: subscription, usage against limits, tier enforcement, cancel", () => {
  it("shows the subscription and the period's usage against the plan's limits", async () => {
    const tenant = "s3-usage";
    const t = await token({ tenant });
    const none = await call("GET", "/billing/subscription", { token: t });
    expect(none.status).toBe(404);
    expect(none.json.error).toBe("Not Found");

    const sub = await subscribe(tenant, "pro");
    const got = await call("GET", "/billing/subscription", { token: t });
    expect(got.json).toMatchObject({ id: sub.id, plan: "pro", status: "active", cancelAtPeriodEnd: false, currentPeriodEnd: sub.currentPeriodEnd });

    for (const [metric, quantity] of [
      ["apiCalls", 15420],
      ["llmTokens", 250000],
      ["storage", 1073741824],
    ] as const) {
      const r = await call("POST", `tenants/${tenant}/usage`, { token: t, body: { eventId: `${metric}-1`, metric, quantity } });
      expect(r.status, JSON.stringify(r.json)).toBe(200);
    }
    const usage = await call("GET", "/billing/usage", { token: t });
    expect(usage.status).toBe(200);
    expect(usage.json.period).toBe(sub.currentPeriodStart.slice(0, 7));
    expect(usage.json.usage).toEqual({
      apiCalls: 15420,
      apiCallsLimit: 100000,
      llmTokens: 250000,
      llmTokensLimit: 1000000,
      storage: 1073741824,
      storageLimit: 10737418240,
    });
  });

  it("answers 402 with the documented body over a hard limit", async () => {
    const tenant = "s3-limit";
    const t = await token({ tenant });
    await subscribe(tenant, "free");
    const ok = await call("POST", "/billing/usage", { token: t, body: { eventId: "calls-1", metric: "apiCalls", quantity: 1000 } });
    expect(ok.status, JSON.stringify(ok.json)).toBe(200);
    expect(ok.json).toMatchObject({ recorded: true, usage: { current: 1000 } });
    const over = await call("POST", "/billing/usage", { token: t, body: { eventId: "calls-2", metric: "apiCalls", quantity: 1 } });
    expect(over.status).toBe(402);
    expect(over.json).toEqual({ error: "Usage limit exceeded", message: "API call limit reached for current period", usage: { current: 1001, limit: 1000 } });
    const tokens = await call("POST", "/billing/usage", { token: t, body: { eventId: "tokens-1", metric: "llmTokens", quantity: 10_001 } });
    expect(tokens.json.message).toBe("LLM token limit reached for current period");
    const storage = await call("POST", "/billing/usage", { token: t, body: { eventId: "storage-1", metric: "storage", quantity: 104857601 } });
    expect(storage.json.message).toBe("Storage limit reached for current period");
    const bad = await call("POST", "/billing/usage", { token: t, body: { metric: "apiCalls", quantity: -1 } });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toBe("Bad Request");
  });

  it("counts a retry once: by its eventId, its Idempotency-Key, or its body and timestamp", async () => {
    const tenant = "s3-retry";
    const t = await token({ tenant });
    await subscribe(tenant, "pro");
    const send = (body: Record<string, unknown>, headers: Record<string, string> = {}) => call("POST", "/billing/usage", { token: t, body, headers });

    const first = await send({ metric: "apiCalls", quantity: 5 }, { "idempotency-key": "retry-1" });
    expect(first.status, first.text).toBe(200);
    expect(first.json).toEqual({ recorded: true, duplicate: false, eventId: "retry-1", metric: "apiCalls", usage: { current: 5 } });
    const retry = await send({ metric: "apiCalls", quantity: 5 }, { "idempotency-key": "retry-1" });
    expect(retry.json).toEqual({ recorded: true, duplicate: true, eventId: "retry-1", metric: "apiCalls", usage: { current: 5 } });

    // The body's eventId is the same id space: the key and the field name one event.
    expect((await send({ eventId: "retry-1", metric: "apiCalls", quantity: 5 })).json.duplicate).toBe(true);
    expect((await send({ eventId: "retry-2", metric: "apiCalls", quantity: 2 })).json.usage.current).toBe(7);
    expect((await send({ eventId: "retry-2", metric: "apiCalls", quantity: 2 }, { "idempotency-key": "retry-2" })).json.duplicate).toBe(true);

    // Without either, the event is the body with its timestamp: the same one again is a retry.
    const at = new Date().toISOString();
    const derived = await send({ metric: "apiCalls", quantity: 1, timestamp: at });
    expect(derived.json).toMatchObject({ duplicate: false, eventId: expect.stringMatching(/^sha256:[0-9a-f]{64}$/), usage: { current: 8 } });
    expect((await send({ timestamp: at, quantity: 1, metric: "apiCalls" })).json).toMatchObject({
      duplicate: true,
      eventId: derived.json.eventId,
      usage: { current: 8 },
    });
    expect((await send({ metric: "apiCalls", quantity: 1, timestamp: Date.parse(at) + 1 })).json.usage.current).toBe(9);

    const usage = await call("GET", "/billing/usage", { token: t });
    expect(usage.json.usage.apiCalls).toBe(9);

    // With nothing to tell a retry from a second event, the call is refused rather than guessed at.
    const unnamed = await send({ metric: "apiCalls", quantity: 1 });
    expect([unnamed.status, unnamed.json.code, unnamed.json.details[0].path]).toEqual([400, "VALIDATION_ERROR", "eventId"]);

    const mismatch = await send({ eventId: "a", metric: "apiCalls", quantity: 1 }, { "idempotency-key": "b" });
    expect(mismatch.status).toBe(400);
    expect(mismatch.json).toMatchObject({ error: "Bad Request", code: "VALIDATION_ERROR", details: [expect.objectContaining({ path: "eventId" })] });
    const badKey = await send({ metric: "apiCalls", quantity: 1 }, { "idempotency-key": "x".repeat(129) });
    expect(badKey.status).toBe(400);
    expect(badKey.json.code).toBe("VALIDATION_ERROR");
  });

  it("cancels at period end and says when", async () => {
    const tenant = "s3-cancel";
    const t = await token({ tenant });
    const sub = await subscribe(tenant, "pro");
    const res = await call("POST", "/billing/cancel", { token: t });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.json).toEqual({ success: true, cancelAt: sub.currentPeriodEnd });
    expect((await call("GET", "/billing/subscription", { token: t })).json).toMatchObject({ status: "active", cancelAtPeriodEnd: true });
    expect((await call("POST", "/billing/cancel", { token: t })).json.cancelAt).toBe(sub.currentPeriodEnd);
    expect((await call("POST", "/billing/cancel", { token: await token({ tenant, scope: "billing:read" }) })).status).toBe(403);
  });
});

describe("seed 002: subscriptions and organisation usage", () => {
  it("lists and shows subscriptions linking products to projects", async () => {
    const tenant = "s2-org";
    const t = await token({ tenant, scope: "billing:read" });
    const sub = await subscribe(tenant, "pro", { projectId: "proj-1", productId: "prod-analytics" });
    const list = await call("GET", "/subscriptions", { token: t });
    expect(list.status).toBe(200);
    expect(list.json.subscriptions).toEqual([
      expect.objectContaining({ id: sub.id, organization_id: tenant, project_id: "proj-1", product_id: "prod-analytics", end_date: null }),
    ]);
    expect((await call("GET", `/subscriptions/${sub.id}`, { token: t })).json.id).toBe(sub.id);
    const other = await call("GET", `/subscriptions/${sub.id}`, { token: await token({ tenant: "s2-other" }) });
    expect(other.status).toBe(404);
    expect(other.json.error.code).toBe("NOT_FOUND");
  });

  it("breaks an organisation's usage down by project, product and hour", async () => {
    const tenant = "s2-usage";
    const t = await token({ tenant });
    await subscribe(tenant, "scale", { projectId: "web", productId: "prod-web" });
    const now = Date.now();
    for (const [id, projectId, q] of [
      ["a", "web", 3],
      ["b", "web", 4],
      ["c", "api", 5],
    ] as const) {
      await call("POST", `tenants/${tenant}/usage`, {
        token: t,
        body: { eventId: id, metric: "apiCalls", quantity: q, projectId, timestamp: new Date(now - 1000).toISOString() },
      });
    }
    const from = new Date(now - 3600_000).toISOString();
    const res = await call("GET", `/billing/usage?organization_id=${tenant}&from=${from}&to=${new Date(now + 1000).toISOString()}`, { token: t });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.json.organization_id).toBe(tenant);
    const rows = Object.fromEntries(
      res.json.usage.map((u: { project_id: string; product_id: string; quantity: string }) => [u.project_id, [u.product_id, u.quantity]]),
    );
    expect(rows).toEqual({ web: ["prod-web", "7"], api: [null, "5"] });
    const hour = new Date(Math.floor((now - 1000) / 3600_000) * 3600_000).toISOString();
    expect(res.json.hourly).toEqual([
      { hour, project_id: "api", product_id: null, metric: "apiCalls", quantity: "5" },
      { hour, project_id: "web", product_id: "prod-web", metric: "apiCalls", quantity: "7" },
    ]);

    const forbidden = await call("GET", `/billing/usage?organization_id=someone-else&from=${from}&to=${from}`, { token: t });
    expect(forbidden.status).toBe(403);
    expect(forbidden.json.error.code).toBe("FORBIDDEN");
    const window = `from=${from}&to=${new Date(now + 1000).toISOString()}`;
    expect((await call("GET", `/billing/usage?organization_id=${tenant}&${window}`, { token: await adminToken() })).status).toBe(200);
  });

  it("asks for the window instead of guessing one", async () => {
    const tenant = "s2-window";
    const t = await token({ tenant, scope: "billing:read" });
    const none = await call("GET", `/billing/usage?organization_id=${tenant}`, { token: t });
    expect(none.status).toBe(400);
    expect(none.json).toEqual({
      error: {
        code: "VALIDATION_ERROR",
        message: "from and to are required with organization_id",
        details: [
          { path: "from", message: "required with organization_id", code: "invalid_type" },
          { path: "to", message: "required with organization_id", code: "invalid_type" },
        ],
      },
    });
    const noTo = await call("GET", `/billing/usage?organization_id=${tenant}&from=2026-01-01T00:00:00Z`, { token: t });
    expect(noTo.json.error.details.map((d: { path: string }) => d.path)).toEqual(["to"]);
    const huge = await call("GET", `/billing/usage?organization_id=${tenant}&from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z`, { token: t });
    expect(huge.status).toBe(400);
    // Seed 003's view (no organization_id) needs no window: it is the current period.
    expect((await call("GET", "/billing/usage", { token: t })).status).toBe(200);
  });
});

describe("seed 003: POST /billing/usage sent twice counts once", () => {
  // Now, after the subscription began: an event before its period is recorded but not in the period's usage.
  const at = () => new Date().toISOString();

  it("for each way a client can name the event, in both the answer and the usage", async () => {
    const tenant = "s3-twice";
    const t = await token({ tenant });
    await subscribe(tenant, "pro");
    const twice = async (body: Record<string, unknown>, headers: Record<string, string> = {}) => {
      const first = await call("POST", "/billing/usage", { token: t, body, headers });
      const second = await call("POST", "/billing/usage", { token: t, body, headers });
      expect([first.status, second.status]).toEqual([200, 200]);
      expect([first.json.duplicate, second.json.duplicate, second.json.eventId]).toEqual([false, true, first.json.eventId]);
    };
    await twice({ eventId: "twice-body", metric: "llmTokens", quantity: 100 });
    await twice({ metric: "llmTokens", quantity: 100 }, { "idempotency-key": "twice-key" });
    await twice({ metric: "llmTokens", quantity: 100, timestamp: at(), projectId: "p1" });
    const usage = await call("GET", "/billing/usage", { token: t });
    expect(usage.json.usage.llmTokens).toBe(300);
  });

  it("derives the id per tenant: another tenant's identical request is its own event", async () => {
    const body = { metric: "apiCalls", quantity: 2, timestamp: at() };
    const [a, b] = await Promise.all(
      ["s3-derive-a", "s3-derive-b"].map(async (tenant) => call("POST", "/billing/usage", { token: await token({ tenant }), body })),
    );
    expect([a!.json.duplicate, b!.json.duplicate]).toEqual([false, false]);
    expect(a!.json.eventId).not.toBe(b!.json.eventId);
  });
});
