import { evictDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, token } from "../helpers";
import { around, item, meter, meterSpec, newTenant, recordEvent, subscribe, summary, writer } from "./support";

describe("POST /tenants/:tenantId/usage", () => {
  it("records an event and answers with the metric's new total for the billing period", async () => {
    const tenant = newTenant("rec");
    const t = await writer(tenant);
    const res = await recordEvent(tenant, t, {
      eventId: "evt-1",
      metric: "llmTokens",
      quantity: 1500,
      projectId: "proj_web",
      resource: "gpt-4o",
      costCenterId: "cc_research",
      properties: { model: "gpt-4o" },
    });
    expect(res.status).toBe(200);
    expect(res.json.data).toMatchObject({
      eventId: "evt-1",
      status: "accepted",
      total: { metric: "llmTokens", aggregation: "sum", quantity: "1500" },
      quotas: [],
    });
    const second = await recordEvent(tenant, t, { eventId: "evt-2", metric: "llmTokens", quantity: 500 });
    expect(second.json.data.total.quantity).toBe("2000");
  });

  it("counts the same eventId once when sent twice, and again after the object is evicted", async () => {
    const tenant = newTenant("dedup");
    const t = await writer(tenant);
    const event = { eventId: "same-id", metric: "apiCalls", quantity: 1 };
    expect((await recordEvent(tenant, t, event)).json.data.status).toBe("accepted");
    const again = await recordEvent(tenant, t, event);
    expect(again.status).toBe(200);
    expect(again.json.data).toMatchObject({ status: "duplicate", total: { quantity: "1" } });

    await evictDurableObject(meter(tenant));
    const afterEviction = await recordEvent(tenant, t, { ...event, quantity: 5 });
    expect(afterEviction.json.data.status).toBe("duplicate");
    expect(item(await summary(tenant, t), "apiCalls")).toMatchObject({ quantity: "1", events: 1 });
  });

  it("keeps decimals exact: ten events of 0.1 total exactly 1", async () => {
    const tenant = newTenant("dec");
    const t = await writer(tenant);
    for (let i = 0; i < 10; i++) await recordEvent(tenant, t, { eventId: `d${i}`, metric: "gpuHours", quantity: 0.1 });
    expect(item(await summary(tenant, t), "gpuHours")).toMatchObject({ quantity: "1", aggregation: "sum", events: 10 });
  });

  it("aggregates each meter type over a known event set", async () => {
    const tenant = newTenant("agg");
    const t = await writer(tenant);
    await subscribe(tenant, {
      meters: [
        meterSpec("tokens", { aggregation: "sum" }),
        meterSpec("requests", { aggregation: "count" }),
        meterSpec("peakConnections", { aggregation: "max" }),
        meterSpec("storage", { aggregation: "latest" }),
        meterSpec("activeUsers", { aggregation: "unique_count", uniqueProperty: "userId" }),
      ],
    });
    const now = Date.now();
    const at = (minutesAgo: number) => new Date(now - minutesAgo * 60_000).toISOString();
    const events = [
      { metric: "tokens", quantity: 10.5 },
      { metric: "tokens", quantity: 0.25 },
      { metric: "tokens", quantity: 100 },
      { metric: "requests", quantity: 7 },
      { metric: "requests", quantity: 0 },
      { metric: "requests", quantity: 3.5 },
      { metric: "peakConnections", quantity: 12 },
      { metric: "peakConnections", quantity: 40 },
      { metric: "peakConnections", quantity: 25 },
      // latest by timestamp, not by arrival: the newest reading arrives first
      { metric: "storage", quantity: 3000, timestamp: at(1) },
      { metric: "storage", quantity: 1000, timestamp: at(90) },
      { metric: "storage", quantity: 2000, timestamp: at(30) },
      { metric: "activeUsers", quantity: 1, properties: { userId: "u1" } },
      { metric: "activeUsers", quantity: 1, properties: { userId: "u2" } },
      { metric: "activeUsers", quantity: 1, properties: { userId: "u1" } },
      { metric: "activeUsers", quantity: 1, properties: { userId: 3 } },
    ];
    for (const [i, e] of events.entries()) {
      const res = await recordEvent(tenant, t, { eventId: `a${i}`, ...e });
      expect(res.status, res.text).toBe(200);
    }
    const items = await summary(tenant, t, around(now));
    expect(item(items, "tokens")).toMatchObject({ aggregation: "sum", quantity: "110.75", events: 3 });
    expect(item(items, "requests")).toMatchObject({ aggregation: "count", quantity: "3", events: 3 });
    expect(item(items, "peakConnections")).toMatchObject({ aggregation: "max", quantity: "40" });
    expect(item(items, "storage")).toMatchObject({ aggregation: "latest", quantity: "3000" });
    expect(item(items, "activeUsers")).toMatchObject({ aggregation: "unique_count", quantity: "3", events: 4 });
  });

  it("refuses a unique_count event without the counted property, recording nothing", async () => {
    const tenant = newTenant("uniq");
    const t = await writer(tenant);
    await subscribe(tenant, { meters: [meterSpec("activeUsers", { aggregation: "unique_count", uniqueProperty: "userId" })] });
    const res = await recordEvent(tenant, t, { eventId: "u", metric: "activeUsers", quantity: 1 });
    expect(res.status).toBe(400);
    expect(res.json.error.details[0].path).toBe("properties.userId");
    expect(await summary(tenant, t)).toEqual([]);
  });

  it("uses the built-in meters without a subscription: storage is a gauge, unknown metrics sum", async () => {
    const tenant = newTenant("builtin");
    const t = await writer(tenant);
    await recordEvent(tenant, t, { eventId: "s1", metric: "storage", quantity: 500 });
    await recordEvent(tenant, t, { eventId: "s2", metric: "storage", quantity: 200 });
    await recordEvent(tenant, t, { eventId: "x1", metric: "widgets", quantity: 2 });
    await recordEvent(tenant, t, { eventId: "x2", metric: "widgets", quantity: 3 });
    const items = await summary(tenant, t);
    expect(item(items, "storage")).toMatchObject({ aggregation: "latest", quantity: "200" });
    expect(item(items, "widgets")).toMatchObject({ aggregation: "sum", quantity: "5" });
  });

  describe("bad input: 4xx naming the field, nothing recorded", () => {
    const now = Date.now();
    const cases: Array<[string, unknown, string]> = [
      ["missing eventId", { metric: "apiCalls", quantity: 1 }, "eventId"],
      ["empty eventId", { eventId: "", metric: "apiCalls", quantity: 1 }, "eventId"],
      ["oversized eventId", { eventId: "x".repeat(129), metric: "apiCalls", quantity: 1 }, "eventId"],
      ["string quantity", { eventId: "b", metric: "apiCalls", quantity: "5" }, "quantity"],
      ["NaN quantity (as a string)", { eventId: "b", metric: "apiCalls", quantity: "NaN" }, "quantity"],
      ["negative quantity", { eventId: "b", metric: "apiCalls", quantity: -1 }, "quantity"],
      ["huge quantity", { eventId: "b", metric: "apiCalls", quantity: 1e300 }, "quantity"],
      ["too many decimals", { eventId: "b", metric: "apiCalls", quantity: 0.0000000001 }, "quantity"],
      ["missing quantity", { eventId: "b", metric: "apiCalls" }, "quantity"],
      ["bad metric", { eventId: "b", metric: "api calls!", quantity: 1 }, "metric"],
      ["future timestamp", { eventId: "b", metric: "apiCalls", quantity: 1, timestamp: new Date(now + 10 * 60_000).toISOString() }, "timestamp"],
      ["too old", { eventId: "b", metric: "apiCalls", quantity: 1, timestamp: new Date(now - 36 * 86_400_000).toISOString() }, "timestamp"],
      ["epoch seconds instead of ms", { eventId: "b", metric: "apiCalls", quantity: 1, timestamp: Math.floor(now / 1000) }, "timestamp"],
      ["garbage timestamp", { eventId: "b", metric: "apiCalls", quantity: 1, timestamp: "yesterday" }, "timestamp"],
      ["unknown field", { eventId: "b", metric: "apiCalls", quantity: 1, tenant: "other" }, "(root)"],
      [
        "oversized properties",
        {
          eventId: "b",
          metric: "apiCalls",
          quantity: 1,
          properties: {
            a: "x".repeat(256),
            b: "x".repeat(256),
            c: "x".repeat(256),
            d: "x".repeat(256),
            e: "x".repeat(256),
            f: "x".repeat(256),
            g: "x".repeat(256),
            h: "x".repeat(256),
            i: "x".repeat(256),
          },
        },
        "properties",
      ],
      ["nested property", { eventId: "b", metric: "apiCalls", quantity: 1, properties: { a: { b: 1 } } }, "properties.a"],
    ];
    for (const [name, body, path] of cases) {
      it(name, async () => {
        const tenant = newTenant("bad");
        const t = await writer(tenant);
        const res = await recordEvent(tenant, t, body);
        expect(res.status, res.text).toBe(400);
        expect(res.json.error.code).toBe("VALIDATION_ERROR");
        expect(res.json.error.details.map((d: { path: string }) => d.path)).toContain(path);
        expect(await summary(tenant, t, around())).toEqual([]);
      });
    }

    it("malformed JSON, including bare NaN and Infinity", async () => {
      const tenant = newTenant("bad");
      const t = await writer(tenant);
      for (const body of [
        '{"eventId": "x", "metric":',
        '{"eventId":"x","metric":"apiCalls","quantity":NaN}',
        '{"eventId":"x","metric":"apiCalls","quantity":Infinity}',
      ]) {
        const res = await call("POST", `tenants/${tenant}/usage`, { token: t, body, headers: { "content-type": "application/json" } });
        expect(res.status, body).toBe(400);
      }
      expect(await summary(tenant, t)).toEqual([]);
    });
  });

  it("isolates tenants: a usage:write token for A can neither write nor read B", async () => {
    const a = newTenant("iso-a");
    const b = newTenant("iso-b");
    const tokenA = await token({ tenant: a, scope: "usage:write billing:read" });
    const write = await recordEvent(b, tokenA, { eventId: "x", metric: "apiCalls", quantity: 1 });
    expect(write.status).toBe(403);
    const read = await call("GET", `tenants/${b}/usage/summary`, { token: tokenA });
    expect(read.status).toBe(403);
    expect(await summary(b, await writer(b))).toEqual([]);
  });

  it("requires the usage:write scope to record", async () => {
    const tenant = newTenant("scope");
    const reader = await token({ tenant, scope: "billing:read" });
    expect((await recordEvent(tenant, reader, { eventId: "x", metric: "apiCalls", quantity: 1 })).status).toBe(403);
    expect((await recordEvent(tenant, "", { eventId: "x", metric: "apiCalls", quantity: 1 })).status).toBe(401);
  });
});
