import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { consumeUsageBatch } from "../../src/metering/consumer";
import { toMessages, type UsageMessage } from "../../src/metering/enqueue";
import { HOUR_MS } from "../../src/lib/time";
import { adminToken, call, token } from "../helpers";
import { item, meter, meterSpec, newTenant, recordEvent, subscribe, summary, writer } from "../metering/support";

async function createQuota(t: string, body: Record<string, unknown>) {
  const res = await call("POST", "quotas", { token: t, body });
  if (res.status !== 201) throw new Error(`create quota ${res.status}: ${res.text}`);
  return res.json.data;
}

const check = (tenant: string, t: string, query: string) => call("GET", `quotas/tenants/${tenant}/check?${query}`, { token: t }).then((r) => r.json.data);

describe("hard quotas", () => {
  it("200 concurrent single events against a hard limit of 100: exactly 100 accepted, 100 refused with 402", async () => {
    const tenant = newTenant("race");
    const t = await writer(tenant);
    await createQuota(t, { tenantId: tenant, metric: "apiCalls", limit: 100, period: "day", enforcement: "hard" });
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => recordEvent(tenant, t, { eventId: `c${i}`, metric: "apiCalls", quantity: 1 })));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(100);
    expect(statuses.filter((s) => s === 402)).toHaveLength(100);
    expect(item(await summary(tenant, t), "apiCalls")).toMatchObject({ quantity: "100", events: 100, rejected: 100 });

    const refused = results.find((r) => r.status === 402)!;
    const tomorrow = new Date(Math.floor(Date.now() / 86_400_000 + 1) * 86_400_000).toISOString();
    expect(refused.json).toEqual({
      success: false,
      error: {
        code: "QUOTA_EXCEEDED",
        message: expect.stringContaining("apiCalls"),
        details: { metric: "apiCalls", current: 100, limit: 100, remaining: 0, resetsAt: tomorrow, quotaId: expect.any(String), period: "day" },
      },
    });
  });

  it("refuses the event that would exceed the limit, not the one that reaches it; a refused event can be retried later", async () => {
    const tenant = newTenant("edge");
    const t = await writer(tenant);
    const quota = await createQuota(t, { tenantId: tenant, metric: "llmTokens", limit: 1000, period: "month" });
    expect((await recordEvent(tenant, t, { eventId: "a", metric: "llmTokens", quantity: 600 })).status).toBe(200);
    const over = await recordEvent(tenant, t, { eventId: "b", metric: "llmTokens", quantity: 401 });
    expect(over.status).toBe(402);
    expect(over.json.error.details).toMatchObject({ current: 600, limit: 1000, remaining: 400 });
    expect((await recordEvent(tenant, t, { eventId: "b", metric: "llmTokens", quantity: 401 })).status).toBe(402);
    const exact = await recordEvent(tenant, t, { eventId: "c", metric: "llmTokens", quantity: 400 });
    expect(exact.status).toBe(200);
    expect(exact.json.data.quotas[0]).toMatchObject({ quotaId: quota.id, current: 1000, remaining: 0, exceeded: false });

    // Raise the limit: the refused event id was not consumed, so its retry is accepted.
    expect((await call("PUT", `quotas/${quota.id}`, { token: t, body: { limit: 2000 } })).status).toBe(200);
    expect((await recordEvent(tenant, t, { eventId: "b", metric: "llmTokens", quantity: 401 })).json.data.status).toBe("accepted");
    // The refusal was counted once although "b" was refused twice.
    expect(item(await summary(tenant, t), "llmTokens")).toMatchObject({ quantity: "1401", events: 3, rejected: 1 });
  });

  it("records events a hard quota refuses inside a batch as rejected, not silently dropped", async () => {
    const tenant = newTenant("bq");
    const t = await writer(tenant);
    await createQuota(t, { tenantId: tenant, metric: "apiCalls", limit: 30, period: "hour" });
    const events = Array.from({ length: 50 }, (_, i) => ({
      eventId: `b${i}`,
      metric: "apiCalls",
      quantity: "1",
      timestamp: Date.now(),
      projectId: null,
      resource: null,
      costCenterId: null,
    }));
    const batch = createMessageBatch<UsageMessage>(
      "usage-events",
      toMessages(tenant, "b", events).map((m, i) => ({ id: `m${i}`, timestamp: new Date(), attempts: 1, body: m.body })),
    );
    const ctx = createExecutionContext();
    await consumeUsageBatch(batch, env, ctx);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual(["m0"]);
    expect(item(await summary(tenant, t), "apiCalls")).toMatchObject({ quantity: "30", events: 30, rejected: 20 });
  });

  it("windows are calendar hours: a backdated event counts against its own hour", async () => {
    const tenant = newTenant("hour");
    const t = await writer(tenant);
    await createQuota(t, { tenantId: tenant, metric: "apiCalls", limit: 1, period: "hour" });
    const lastHour = new Date(Date.now() - HOUR_MS).toISOString();
    expect((await recordEvent(tenant, t, { eventId: "now", metric: "apiCalls", quantity: 1 })).status).toBe(200);
    expect((await recordEvent(tenant, t, { eventId: "then", metric: "apiCalls", quantity: 1, timestamp: lastHour })).status).toBe(200);
    expect((await recordEvent(tenant, t, { eventId: "now2", metric: "apiCalls", quantity: 1 })).status).toBe(402);
  });

  it("a gauge quota limits the reading, not the sum of readings", async () => {
    const tenant = newTenant("gauge");
    const t = await writer(tenant);
    await createQuota(t, { tenantId: tenant, metric: "storage", limit: 1000, period: "billing_period" });
    for (let i = 0; i < 5; i++) {
      expect((await recordEvent(tenant, t, { eventId: `s${i}`, metric: "storage", quantity: 900 })).status).toBe(200);
    }
    const over = await recordEvent(tenant, t, { eventId: "big", metric: "storage", quantity: 1001 });
    expect(over.status).toBe(402);
    expect(over.json.error.details).toMatchObject({ current: 900, limit: 1000 });
  });
});

describe("distinct-value quotas", () => {
  it("a unique_count limit counts distinct values: a known value is always allowed, a new one over the limit is not", async () => {
    const tenant = newTenant("uq");
    const t = await writer(tenant);
    await subscribe(tenant, { meters: [meterSpec("activeUsers", { aggregation: "unique_count", uniqueProperty: "userId", limit: 2 })] });
    const send = (eventId: string, userId: string) => recordEvent(tenant, t, { eventId, metric: "activeUsers", quantity: 1, properties: { userId } });
    expect((await send("1", "alice")).status).toBe(200);
    expect((await send("2", "bob")).status).toBe(200);
    expect((await send("3", "alice")).status).toBe(200);
    const refused = await send("4", "carol");
    expect(refused.status).toBe(402);
    expect(refused.json.error.details).toMatchObject({ metric: "activeUsers", current: 2, limit: 2 });
    expect(await check(tenant, t, "metric=activeUsers")).toMatchObject({ allowed: false, current: 2 });
    expect(item(await summary(tenant, t), "activeUsers")).toMatchObject({ quantity: "2", events: 3, rejected: 1 });
  });
});

describe("soft quotas", () => {
  it("accept the event and record the crossing once per window", async () => {
    const tenant = newTenant("soft");
    const t = await writer(tenant);
    const quota = await createQuota(t, { tenantId: tenant, metric: "apiCalls", limit: 2, period: "day", enforcement: "soft" });
    for (let i = 0; i < 4; i++) {
      const res = await recordEvent(tenant, t, { eventId: `s${i}`, metric: "apiCalls", quantity: 1 });
      expect(res.status).toBe(200);
      expect(res.json.data.quotas[0]).toMatchObject({ enforcement: "soft", exceeded: i >= 2 });
    }
    const crossings = await meter(tenant).crossings(0);
    expect(crossings).toEqual([expect.objectContaining({ quotaId: quota.id, metric: "apiCalls", current: "3", limit: "2" })]);
  });
});

describe("check", () => {
  it("answers allowed/current/limit/remaining/resetsAt without recording", async () => {
    const tenant = newTenant("chk");
    const t = await writer(tenant);
    expect(await check(tenant, t, "metric=apiCalls")).toMatchObject({ allowed: true, current: 0, limit: null, remaining: null });
    await createQuota(t, { tenantId: tenant, metric: "apiCalls", limit: 10, period: "month" });
    await recordEvent(tenant, t, { eventId: "1", metric: "apiCalls", quantity: 7 });
    const monthEnd = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth() + 1, 1)).toISOString();
    expect(await check(tenant, t, "metric=apiCalls&quantity=3")).toMatchObject({
      allowed: true,
      current: 7,
      limit: 10,
      remaining: 3,
      resetsAt: monthEnd,
    });
    expect(await check(tenant, t, "metric=apiCalls&quantity=3.5")).toMatchObject({ allowed: false, reason: "QUOTA_EXCEEDED" });
    expect(await check(tenant, t, "metric=apiCalls")).toMatchObject({ allowed: true, current: 7 });
    expect(item(await summary(tenant, t), "apiCalls")).toMatchObject({ quantity: "7", events: 1 });
  });

  it("validates its query", async () => {
    const tenant = newTenant("chkbad");
    const t = await writer(tenant);
    for (const q of ["", "metric=apiCalls&quantity=-1", "metric=apiCalls&quantity=abc", "metric=bad%20metric"]) {
      expect((await call("GET", `quotas/tenants/${tenant}/check?${q}`, { token: t })).status, q).toBe(400);
    }
  });
});

describe("plan limits are the default quotas", () => {
  it("enforces the governing plan's limit per billing period", async () => {
    const tenant = newTenant("plan");
    const t = await writer(tenant);
    const sub = await subscribe(tenant, { meters: [meterSpec("apiCalls", { limit: 3 })] });
    for (let i = 0; i < 3; i++) expect((await recordEvent(tenant, t, { eventId: `p${i}`, metric: "apiCalls", quantity: 1 })).status).toBe(200);
    const refused = await recordEvent(tenant, t, { eventId: "p3", metric: "apiCalls", quantity: 1 });
    expect(refused.status).toBe(402);
    expect(refused.json.error.details).toMatchObject({
      metric: "apiCalls",
      current: 3,
      limit: 3,
      remaining: 0,
      resetsAt: new Date(sub.periodEnd).toISOString(),
      period: "billing_period",
    });
    const list = (await call("GET", `quotas/tenants/${tenant}`, { token: t })).json.data;
    expect(list).toEqual([
      expect.objectContaining({
        source: "plan",
        subscriptionId: sub.subscriptionId,
        metric: "apiCalls",
        limit: 3,
        usage: expect.objectContaining({ current: 3, remaining: 0 }),
      }),
    ]);
  });

  it("a renewal starts a fresh billing period", async () => {
    const tenant = newTenant("renew");
    const t = await writer(tenant);
    const now = Date.now();
    const sub = await subscribe(tenant, { periodStart: now - 86_400_000, periodEnd: now - 60_000, meters: [meterSpec("apiCalls", { limit: 1 })] });
    // The period has ended but the renewal is not pushed yet: the next period is assumed.
    expect((await recordEvent(tenant, t, { eventId: "1", metric: "apiCalls", quantity: 1 })).status).toBe(200);
    expect((await recordEvent(tenant, t, { eventId: "2", metric: "apiCalls", quantity: 1 })).status).toBe(402);
    await subscribe(tenant, { ...sub, periodStart: now + 1000, periodEnd: now + 30 * 86_400_000, meters: sub.meters });
    expect((await recordEvent(tenant, t, { eventId: "3", metric: "apiCalls", quantity: 1, timestamp: new Date(now + 2000).toISOString() })).status).toBe(200);
  });

  it("refuses usage of a paused subscription with 402 SUBSCRIPTION_PAUSED; a canceled one carries no plan quota", async () => {
    const tenant = newTenant("pause");
    const t = await writer(tenant);
    const sub = await subscribe(tenant, { status: "paused", meters: [meterSpec("apiCalls", { limit: 1 })] });
    const res = await recordEvent(tenant, t, { eventId: "x", metric: "apiCalls", quantity: 1 });
    expect(res.status).toBe(402);
    expect(res.json.error).toMatchObject({ code: "SUBSCRIPTION_PAUSED", details: { subscriptionId: sub.subscriptionId } });
    expect(await check(tenant, t, "metric=apiCalls")).toMatchObject({ allowed: false, reason: "SUBSCRIPTION_PAUSED" });
    expect(item(await summary(tenant, t), "apiCalls")).toMatchObject({ events: 0, rejected: 1 });

    await subscribe(tenant, { ...sub, status: "canceled", meters: sub.meters });
    for (let i = 0; i < 3; i++) expect((await recordEvent(tenant, t, { eventId: `c${i}`, metric: "apiCalls", quantity: 1 })).status).toBe(200);
  });

  it("a project's subscription governs that project's events; the tenant-wide one governs the rest", async () => {
    const tenant = newTenant("proj");
    const t = await writer(tenant);
    await subscribe(tenant, { meters: [meterSpec("apiCalls", { limit: 2 })] });
    await subscribe(tenant, { projectId: "big", meters: [meterSpec("apiCalls", { limit: 5 })] });
    for (let i = 0; i < 5; i++) {
      expect((await recordEvent(tenant, t, { eventId: `b${i}`, metric: "apiCalls", quantity: 1, projectId: "big" })).status).toBe(200);
    }
    expect((await recordEvent(tenant, t, { eventId: "b5", metric: "apiCalls", quantity: 1, projectId: "big" })).status).toBe(402);
    // Usage without a project, or of a project without its own subscription, falls to the tenant-wide plan.
    expect((await recordEvent(tenant, t, { eventId: "t0", metric: "apiCalls", quantity: 1 })).status).toBe(200);
    expect((await recordEvent(tenant, t, { eventId: "t1", metric: "apiCalls", quantity: 1, projectId: "small" })).status).toBe(200);
    const refused = await recordEvent(tenant, t, { eventId: "t2", metric: "apiCalls", quantity: 1 });
    expect(refused.status).toBe(402);
    expect(refused.json.error.details).toMatchObject({ current: 2, limit: 2 });
    expect(await check(tenant, t, "metric=apiCalls&projectId=big")).toMatchObject({ allowed: false, current: 5, limit: 5 });
  });

  it("an operator quota overrides the plan's limit; a tenant's own quota can only tighten it", async () => {
    const tenant = newTenant("override");
    const t = await writer(tenant);
    await subscribe(tenant, { meters: [meterSpec("apiCalls", { limit: 2 })] });
    const own = await createQuota(t, { tenantId: tenant, metric: "apiCalls", limit: 100, period: "billing_period" });
    expect(own.source).toBe("tenant");
    await recordEvent(tenant, t, { eventId: "1", metric: "apiCalls", quantity: 2 });
    expect((await recordEvent(tenant, t, { eventId: "2", metric: "apiCalls", quantity: 1 })).status).toBe(402);

    const operator = await createQuota(await adminToken(), { tenantId: tenant, metric: "apiCalls", limit: 4, period: "billing_period" });
    expect(operator.source).toBe("operator");
    expect((await recordEvent(tenant, t, { eventId: "2", metric: "apiCalls", quantity: 2 })).status).toBe(200);
    expect((await recordEvent(tenant, t, { eventId: "3", metric: "apiCalls", quantity: 1 })).status).toBe(402);
    const sources = (await call("GET", `quotas/tenants/${tenant}`, { token: t })).json.data.map((q: { source: string }) => q.source);
    expect(sources.sort()).toEqual(["operator", "tenant"]);
  });
});

describe("quota management", () => {
  it("creates, lists with utilisation, updates and deletes", async () => {
    const tenant = newTenant("crud");
    const t = await writer(tenant);
    const created = await createQuota(t, { tenantId: tenant, metric: "apiCalls", limit: 5 });
    expect(created).toMatchObject({
      id: expect.stringMatching(/^qt_/),
      tenantId: tenant,
      metric: "apiCalls",
      limit: 5,
      period: "billing_period",
      enforcement: "hard",
      source: "tenant",
      subscriptionId: null,
      usage: { current: 0, remaining: 5, exceeded: false, resetsAt: expect.any(String) },
    });
    const dup = await call("POST", "quotas", { token: t, body: { tenantId: tenant, metric: "apiCalls", limit: 7 } });
    expect(dup.status).toBe(409);
    expect(dup.json.error.details).toEqual({ quotaId: created.id });
    await createQuota(t, { tenantId: tenant, metric: "apiCalls", limit: 1, period: "hour", enforcement: "soft" });
    await createQuota(t, { tenantId: tenant, metric: "llmTokens", limit: 0.5, period: "day" });

    const page1 = await call("GET", `quotas/tenants/${tenant}?limit=2`, { token: t });
    expect(page1.json.data).toHaveLength(2);
    expect(page1.json.pagination.hasMore).toBe(true);
    const page2 = await call("GET", `quotas/tenants/${tenant}?limit=2&cursor=${page1.json.pagination.nextCursor}`, { token: t });
    expect(page2.json.data).toHaveLength(1);
    expect(page2.json.pagination.hasMore).toBe(false);

    const updated = await call("PUT", `quotas/${created.id}`, { token: t, body: { limit: 6, enforcement: "soft" } });
    expect(updated.json.data).toMatchObject({ limit: 6, enforcement: "soft" });
    expect((await call("PUT", `quotas/${created.id}`, { token: t, body: {} })).status).toBe(400);
    expect((await call("PUT", `quotas/${created.id}`, { token: t, body: { metric: "x" } })).status).toBe(400);
    expect((await call("PUT", `quotas/${created.id}`, { token: t, body: { period: "hour" } })).status).toBe(409);

    expect((await call("DELETE", `quotas/${created.id}`, { token: t })).json.data).toEqual({ id: created.id, deleted: true });
    expect((await call("DELETE", `quotas/${created.id}`, { token: t })).status).toBe(404);
    expect((await call("GET", `quotas/tenants/${tenant}`, { token: t })).json.data).toHaveLength(2);
  });

  it("a deleted quota stops being enforced at once", async () => {
    const tenant = newTenant("del");
    const t = await writer(tenant);
    const q = await createQuota(t, { tenantId: tenant, metric: "apiCalls", limit: 0, period: "day" });
    expect((await recordEvent(tenant, t, { eventId: "1", metric: "apiCalls", quantity: 1 })).status).toBe(402);
    await call("DELETE", `quotas/${q.id}`, { token: t });
    expect((await recordEvent(tenant, t, { eventId: "1", metric: "apiCalls", quantity: 1 })).status).toBe(200);
  });

  it("validates input", async () => {
    const tenant = newTenant("qval");
    const t = await writer(tenant);
    const bad = [
      { tenantId: tenant, metric: "apiCalls" },
      { tenantId: tenant, metric: "apiCalls", limit: -1 },
      { tenantId: tenant, metric: "apiCalls", limit: "10" },
      { tenantId: tenant, metric: "apiCalls", limit: 10, period: "week" },
      { tenantId: tenant, metric: "apiCalls", limit: 10, enforcement: "maybe" },
      { tenantId: tenant, metric: "apiCalls", limit: 10, extra: true },
    ];
    for (const body of bad) expect((await call("POST", "quotas", { token: t, body })).status, JSON.stringify(body)).toBe(400);
  });

  it("isolates tenants and protects operator quotas", async () => {
    const a = newTenant("qa");
    const b = newTenant("qb");
    const ta = await writer(a);
    const tb = await writer(b);
    expect((await call("POST", "quotas", { token: ta, body: { tenantId: b, metric: "apiCalls", limit: 1 } })).status).toBe(403);
    const bQuota = await createQuota(tb, { tenantId: b, metric: "apiCalls", limit: 1 });
    expect((await call("PUT", `quotas/${bQuota.id}`, { token: ta, body: { limit: 100 } })).status).toBe(404);
    expect((await call("DELETE", `quotas/${bQuota.id}`, { token: ta })).status).toBe(404);
    expect((await call("GET", `quotas/tenants/${b}`, { token: ta })).status).toBe(403);
    expect((await call("GET", `quotas/tenants/${b}/check?metric=apiCalls`, { token: ta })).status).toBe(403);

    const operator = await createQuota(await adminToken(), { tenantId: a, metric: "apiCalls", limit: 1 });
    expect((await call("PUT", `quotas/${operator.id}`, { token: ta, body: { limit: 100 } })).status).toBe(403);
    expect((await call("DELETE", `quotas/${operator.id}`, { token: ta })).status).toBe(403);
    expect((await call("PUT", `quotas/${operator.id}`, { token: await adminToken(), body: { limit: 2 } })).status).toBe(200);

    const readOnly = await token({ tenant: a, scope: "billing:read" });
    expect((await call("POST", "quotas", { token: readOnly, body: { tenantId: a, metric: "llmTokens", limit: 1 } })).status).toBe(403);
  });
});
