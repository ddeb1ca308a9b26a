import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { env } from "cloudflare:workers";
import { database } from "../../src/db/client";
import { CreatePlan } from "../../src/plans/schemas";
import { createPlan, findPlan } from "../../src/plans/service";
import { Webhook } from "standardwebhooks";
import { adminToken, call, token } from "../helpers";
import { deliver, dispatch, fakeReceiver } from "../webhooks/support";

const db = database(env.DB);
const DAY = 86_400_000;

async function plan(input: Partial<CreatePlan> & { id: string; basePrice: number }) {
  return (await findPlan(db, input.id)) ?? createPlan(db, CreatePlan.parse({ name: input.id, ...input }), Date.now());
}

/** A tenant subscribed `daysAgo` days ago (its first period is still open now). */
async function subscribed(tenant: string, planId: string, daysAgo: number, settings: Record<string, unknown> = {}) {
  if (Object.keys(settings).length) expect((await call("PUT", `tenants/${tenant}`, { token: await adminToken(), body: settings })).status).toBe(200);
  const t = await token({ tenant });
  const startAt = new Date(Date.now() - daysAgo * DAY).toISOString();
  const res = await call("POST", `tenants/${tenant}/subscriptions`, { token: t, body: { planId, startAt, trial: false } });
  expect(res.status, JSON.stringify(res.json)).toBe(201);
  return { t, start: Date.parse(res.json.data.currentPeriodStart) };
}

async function use(tenant: string, t: string, metric: string, quantity: number, at: number, dims: Record<string, string> = {}) {
  const body = { eventId: crypto.randomUUID(), metric, quantity, timestamp: new Date(at).toISOString(), ...dims };
  const res = await call("POST", `tenants/${tenant}/usage`, { token: t, body });
  expect(res.status, JSON.stringify(res.json)).toBe(200);
  return res.json.data;
}

const get = async (path: string, t: string) => {
  const res = await call("GET", path, { token: t });
  expect(res.status, JSON.stringify(res.json)).toBe(200);
  return res.json.data;
};

afterEach(() => {
  vi.restoreAllMocks();
});

beforeAll(async () => {
  // 100 included, then 2 per call up to 1,000 billable, then 1.
  await plan({
    id: "rt-grad",
    basePrice: 1000,
    meters: [
      {
        metric: "apiCalls",
        includedQuantity: 100,
        price: {
          model: "graduated",
          tiers: [
            { upTo: 1000, unitPrice: "2" },
            { upTo: null, unitPrice: "1" },
          ],
        },
      },
      { metric: "tokens", price: { model: "per_unit", unitPrice: "0.003" } },
    ] as CreatePlan["meters"],
  });
});

describe("current cost", () => {
  it("equals the billing preview, live after each write", async () => {
    const tenant = "rt-cur";
    const { t, start } = await subscribed(tenant, "rt-grad", 3, { taxRateBps: 1000 });
    await use(tenant, t, "apiCalls", 700, start + 1000, { resource: "a" });
    await use(tenant, t, "tokens", 12345, start + 2000);
    const current = await get(`realtime-cost/tenants/${tenant}/current`, t);
    const preview = await get(`tenants/${tenant}/billing/preview`, t);
    expect(current.total).toEqual(preview.total);
    expect(current.subtotal).toEqual(preview.subtotal);
    expect(current.tax).toEqual(preview.tax);
    expect(current.lines).toEqual(preview.lines);
    // 1000 base + (600 × 2) + round(12345 × 0.003 = 37.035) = 37 → 2237, tax 10 % = 224 (half-even of 223.7)
    expect(current.baseFee.amount).toBe(1000);
    expect(current.usage).toEqual([
      { metric: "apiCalls", quantity: "700", billableQuantity: "600", amount: { amount: 1200, currency: "USD" } },
      { metric: "tokens", quantity: "12345", billableQuantity: "12345", amount: { amount: 37, currency: "USD" } },
    ]);
    expect(current.usageTotal.amount).toBe(1237);
    expect(current.total.amount).toBe(2237 + 224);
    expect(current.subscription).toMatchObject({ planId: "rt-grad", status: "active" });

    await use(tenant, t, "apiCalls", 1, start + 3000);
    expect((await get(`realtime-cost/tenants/${tenant}/current`, t)).usageTotal.amount).toBe(1239);
  });

  it("without a subscription shows usage at zero cost", async () => {
    const tenant = "rt-nosub";
    const t = await token({ tenant });
    await use(tenant, t, "apiCalls", 5, Date.now() - 1000);
    const current = await get(`realtime-cost/tenants/${tenant}/current`, t);
    expect(current.subscription).toBeNull();
    expect(current.total.amount).toBe(0);
    expect(current.usage).toEqual([{ metric: "apiCalls", quantity: "5", billableQuantity: "0", amount: { amount: 0, currency: null } }]);
  });

  it("is tenant-isolated and needs a read scope", async () => {
    const other = await token({ tenant: "rt-other" });
    expect((await call("GET", "realtime-cost/tenants/rt-cur/current", { token: other })).status).toBe(403);
    const writer = await token({ tenant: "rt-cur", scope: "usage:write" });
    expect((await call("GET", "realtime-cost/tenants/rt-cur/current", { token: writer })).status).toBe(403);
    expect((await call("GET", "realtime-cost/tenants/rt-cur/current")).status).toBe(401);
  });
});

describe("cost by resource", () => {
  it("splits each tiered meter charge across resources, parts summing exactly", async () => {
    const tenant = "rt-res";
    const { t, start } = await subscribed(tenant, "rt-grad", 3);
    await use(tenant, t, "apiCalls", 700, start + 1000, { resource: "a", projectId: "p1" });
    await use(tenant, t, "apiCalls", 600, start + 2000, { resource: "b", projectId: "p1" });
    await use(tenant, t, "apiCalls", 333, start + DAY, { resource: "c", projectId: "p2" });
    const data = await get(`realtime-cost/tenants/${tenant}/by-resource`, t);
    const calls = data.meters.find((m: { metric: string }) => m.metric === "apiCalls");
    // 1633 used − 100 included = 1533 billable: 1000 × 2 + 533 × 1 = 2533
    expect(calls.amount.amount).toBe(2533);
    // Exact shares 1085.81 / 930.68 / 516.52: floors 2531, the two units left go to the largest remainders.
    expect(calls.groups.map((g: { key: string; amount: { amount: number } }) => [g.key, g.amount.amount])).toEqual([
      ["a", 1086],
      ["b", 931],
      ["c", 516],
    ]);
    expect(data.items.map((i: { key: string }) => i.key)).toEqual(["a", "b", "c"]);
    expect(data.total.amount).toBe(2533);

    const byProject = await get(`realtime-cost/tenants/${tenant}/by-resource?groupBy=project`, t);
    const parts = byProject.items.map((i: { key: string; amount: { amount: number } }) => [i.key, i.amount.amount]);
    // Allocated afresh on 1300 : 333 (2016.48 / 516.52), not the sum of the resource parts.
    expect(parts).toEqual([
      ["p1", 2016],
      ["p2", 517],
    ]);
  });

  it("rejects a bad groupBy with the field path", async () => {
    const t = await token({ tenant: "rt-res" });
    const res = await call("GET", "realtime-cost/tenants/rt-res/by-resource?groupBy=color", { token: t });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.json.error.details)).toContain("groupBy");
  });
});

describe("cost timeline", () => {
  it("buckets sum exactly to the period-to-date usage charge", async () => {
    const tenant = "rt-time";
    const { t, start } = await subscribed(tenant, "rt-grad", 3);
    await use(tenant, t, "apiCalls", 80, start + 1000); // all included
    await use(tenant, t, "apiCalls", 950, start + DAY); // crosses into the second tier
    await use(tenant, t, "tokens", 333, start + DAY + 5000);
    await use(tenant, t, "apiCalls", 170, start + 2 * DAY);
    await use(tenant, t, "tokens", 333, start + 2 * DAY + 1);
    const current = await get(`realtime-cost/tenants/${tenant}/current`, t);
    for (const interval of ["day", "hour"]) {
      const tl = await get(`realtime-cost/tenants/${tenant}/timeline?interval=${interval}`, t);
      const sum = tl.buckets.reduce((s: number, b: { amount: { amount: number } }) => s + b.amount.amount, 0);
      expect(sum).toBe(current.usageTotal.amount);
      expect(tl.total.amount).toBe(current.usageTotal.amount);
    }
    const days = await get(`realtime-cost/tenants/${tenant}/timeline?interval=day`, t);
    // 1100 billable: 1000 × 2 + 100 × 1 = 2100; tokens 666 × 0.003 = 1.998 → 2. Day 1: 0; day 2: 930 billable = 1860 + round(0.999)=1.
    const amounts = days.buckets.map((b: { amount: { amount: number } }) => b.amount.amount).filter((a: number) => a !== 0);
    expect(amounts.reduce((a: number, b: number) => a + b, 0)).toBe(2102);
    expect(days.buckets[0].amount.amount).toBe(0);
    expect(
      days.buckets.some((b: { meters: Array<{ metric: string; quantity: string }> }) => b.meters.some((m) => m.metric === "apiCalls" && m.quantity === "950")),
    ).toBe(true);
  });

  it("rejects an unknown interval", async () => {
    const t = await token({ tenant: "rt-time" });
    const res = await call("GET", "realtime-cost/tenants/rt-time/timeline?interval=week", { token: t });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.json.error.details)).toContain("interval");
  });
});

describe("alerts", () => {
  it("a usage alert triggers on the write that crosses it, not before; dismiss; isolation", async () => {
    const tenant = "rt-alert";
    const { t, start } = await subscribed(tenant, "rt-grad", 2);
    const created = await call("POST", `realtime-cost/tenants/${tenant}/alerts`, {
      token: t,
      body: { type: "usage", metric: "apiCalls", threshold: 1000, name: "calls" },
    });
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    const id = created.json.data.id;
    expect(created.json.data).toMatchObject({ state: "ok", period: "billing_period", threshold: 1000, triggeredAt: null });

    const stateOf = async () => (await get(`realtime-cost/tenants/${tenant}/alerts`, t)).find((a: { id: string }) => a.id === id);
    await use(tenant, t, "apiCalls", 600, start + 1000);
    await use(tenant, t, "apiCalls", 399, start + 2000);
    expect((await stateOf()).state).toBe("ok");
    const crossing = await use(tenant, t, "apiCalls", 1, start + 3000);
    expect(crossing.alerts).toBeUndefined(); // internal; not part of the usage answer
    const triggered = await stateOf();
    expect(triggered).toMatchObject({ state: "triggered", lastValue: 1000 });
    expect(triggered.triggeredAt).not.toBeNull();
    await use(tenant, t, "apiCalls", 5, start + 4000);
    expect((await stateOf()).lastValue).toBe(1000); // stays triggered from the crossing

    const other = await token({ tenant: "rt-alert-other" });
    expect((await call("POST", `realtime-cost/alerts/${id}/dismiss`, { token: other })).status).toBe(404);
    expect((await call("GET", `realtime-cost/tenants/${tenant}/alerts`, { token: other })).status).toBe(403);
    expect((await call("POST", `realtime-cost/tenants/${tenant}/alerts`, { token: other, body: { type: "cost", threshold: 1 } })).status).toBe(403);
    const reader = await token({ tenant, scope: "billing:read" });
    expect((await call("POST", `realtime-cost/alerts/${id}/dismiss`, { token: reader })).status).toBe(403);

    const dismissed = await call("POST", `realtime-cost/alerts/${id}/dismiss`, { token: t });
    expect(dismissed.status).toBe(200);
    expect(dismissed.json.data.state).toBe("dismissed");
    expect((await stateOf()).state).toBe("dismissed");
    expect((await call("POST", `realtime-cost/alerts/${id}/dismiss`, { token: t })).status).toBe(409);
    expect((await call("POST", "realtime-cost/alerts/alrt_missing/dismiss", { token: t })).status).toBe(404);
  });

  it("an alert created above its threshold triggers at once; a cost alert triggers on read", async () => {
    const tenant = "rt-alert-cost";
    const { t, start } = await subscribed(tenant, "rt-grad", 2);
    await use(tenant, t, "apiCalls", 50, start + 1000);
    const usage = await call("POST", `realtime-cost/tenants/${tenant}/alerts`, { token: t, body: { type: "usage", metric: "apiCalls", threshold: 50 } });
    expect(usage.json.data).toMatchObject({ state: "triggered", lastValue: 50 });

    const cost = await call("POST", `realtime-cost/tenants/${tenant}/alerts`, { token: t, body: { type: "cost", threshold: 1500 } });
    expect(cost.status).toBe(201);
    expect(cost.json.data).toMatchObject({ state: "ok", lastValue: 1000 }); // base fee only so far
    await use(tenant, t, "apiCalls", 300, start + 2000); // 250 billable × 2 = 500 → total 1500
    const current = await get(`realtime-cost/tenants/${tenant}/current`, t);
    expect(current.total.amount).toBe(1500);
    const list = await get(`realtime-cost/tenants/${tenant}/alerts`, t);
    expect(list.find((a: { id: string }) => a.id === cost.json.data.id)).toMatchObject({ state: "triggered", lastValue: 1500 });
  });

  it("a triggered alert reaches its webhook as a signed usage.alert.triggered event, once", async () => {
    const tenant = "rt-alert-hook";
    const { t, start } = await subscribed(tenant, "rt-grad", 1);
    const received = fakeReceiver("https://hooks.example");
    const created = await call("POST", `realtime-cost/tenants/${tenant}/alerts`, {
      token: t,
      body: { type: "usage", metric: "tokens", threshold: 10, channel: { webhookUrl: "https://hooks.example/billing" } },
    });
    expect(created.status).toBe(201);
    expect(created.json.data.channel).toEqual({ webhookUrl: "https://hooks.example/billing" });
    // The webhook is an ordinary endpoint, reused by a second alert on the same URL.
    const again = await call("POST", `realtime-cost/tenants/${tenant}/alerts`, {
      token: t,
      body: { type: "usage", metric: "apiCalls", threshold: 1_000_000, channel: { webhookUrl: "https://hooks.example/billing" } },
    });
    expect(again.status).toBe(201);
    const endpoints = (await call("GET", `tenants/${tenant}/webhook-endpoints`, { token: t })).json.data;
    expect(endpoints).toHaveLength(1);
    expect(endpoints[0]).toMatchObject({ url: "https://hooks.example/billing", events: ["usage.alert.triggered"], source: "alert", enabled: true });
    const { secret } = (await call("POST", `webhook-endpoints/${endpoints[0].id}/rotate-secret`, { token: t })).json.data;

    await use(tenant, t, "tokens", 9, start + 1000);
    await use(tenant, t, "tokens", 2, start + 2000);
    await use(tenant, t, "tokens", 2, start + 3000);
    const events = (await call("GET", `tenants/${tenant}/events?type=usage.alert.triggered`, { token: t })).json.data;
    expect(events).toHaveLength(1);
    await vi.waitFor(
      async () => {
        await dispatch();
        await deliver(endpoints[0].id);
        expect(received).toHaveLength(1);
      },
      { timeout: 10_000, interval: 100 },
    );
    const delivered = new Webhook(secret).verify(received[0]!.body, received[0]!.headers);
    expect(received[0]!.id).toBe(events[0].id);
    expect(delivered).toMatchObject({ type: "usage.alert.triggered", data: { alert: { id: created.json.data.id, state: "triggered", lastValue: 11 } } });
  });

  it("bad input is a 400 with field paths", async () => {
    const tenant = "rt-alert-bad";
    const t = await token({ tenant });
    const bad = async (body: unknown, path: string) => {
      const res = await call("POST", `realtime-cost/tenants/${tenant}/alerts`, { token: t, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.json.error.code).toBe("VALIDATION_ERROR");
      expect(JSON.stringify(res.json.error.details)).toContain(path);
    };
    await bad({ type: "usage", threshold: 10 }, "metric");
    await bad({ type: "cost", threshold: 10.5 }, "threshold");
    await bad({ type: "cost", threshold: -1 }, "threshold");
    await bad({ type: "cost", threshold: 1, metric: "apiCalls" }, "metric");
    await bad({ type: "spend", threshold: 1 }, "type");
    await bad({ type: "cost", threshold: 1, period: "week" }, "period");
    await bad({ type: "cost", threshold: 1, channel: { webhookUrl: "http://insecure.example" } }, "channel.webhookUrl");
    await bad({ type: "cost", threshold: 1, channel: { webhookUrl: "https://169.254.169.254/latest" } }, "channel.webhookUrl");
    await bad({ type: "cost", threshold: 1, colour: "red" }, "colour");
  });
});
