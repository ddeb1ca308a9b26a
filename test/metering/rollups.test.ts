import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { HOUR_MS } from "../../src/lib/time";
import type { TenantMeter } from "../../src/metering/tenant-meter";
import { billedUsage, flushMeter, type UsageWindow } from "../../src/metering/usage";
import { call } from "../helpers";
import { around, item, meter, meterSpec, newTenant, recordEvent, subscribe, summary, writer } from "./support";

const rollups = async (tenant: string) =>
  (await env.DB.prepare("SELECT * FROM usage_rollups WHERE tenant_id = ? ORDER BY bucket_start, metric, project_id, resource").bind(tenant).all()).results;

const unflushed = (tenant: string) =>
  runInDurableObject(
    meter(tenant),
    (_: TenantMeter, state) => state.storage.sql.exec("SELECT COUNT(*) AS n FROM buckets WHERE version > flushed_version").one().n,
  );

describe("rollups in D1", () => {
  it("the alarm flushes hourly rollups; flushing twice changes nothing; the summary is the same before and after", async () => {
    const tenant = newTenant("flush");
    const t = await writer(tenant);
    const now = Date.now();
    const sent = [
      { metric: "apiCalls", quantity: 1, projectId: "p1", resource: "r1", timestamp: now - 3 * HOUR_MS },
      { metric: "apiCalls", quantity: 2, projectId: "p1", resource: "r1", timestamp: now - 3 * HOUR_MS + 1 },
      { metric: "apiCalls", quantity: 4, projectId: "p2", costCenterId: "cc1", timestamp: now },
      { metric: "llmTokens", quantity: 0.5, timestamp: now },
    ];
    for (const [i, e] of sent.entries()) {
      expect((await recordEvent(tenant, t, { eventId: `f${i}`, ...e, timestamp: new Date(e.timestamp).toISOString() })).status).toBe(200);
    }
    const before = await summary(tenant, t, around(now));
    expect(item(before, "apiCalls")).toMatchObject({ quantity: "7", events: 3 });
    expect(item(before, "llmTokens")).toMatchObject({ quantity: "0.5", events: 1 });
    expect(await rollups(tenant)).toEqual([]);

    expect(await runDurableObjectAlarm(meter(tenant))).toBe(true);
    const once = await rollups(tenant);
    expect(once).toHaveLength(3);
    expect(once.find((r) => r.project_id === "p1")).toMatchObject({ resource: "r1", event_count: 2, sum_value: "3", max_value: "2" });
    expect(await unflushed(tenant)).toBe(0);

    // A second flush (and a forced one) finds nothing new and changes nothing.
    await runInDurableObject(meter(tenant), (instance: TenantMeter) => instance.alarm());
    await flushMeter(env, tenant);
    expect(await rollups(tenant)).toEqual(once);
    expect(await summary(tenant, t, around(now))).toEqual(before);
  });

  it("an idempotent upsert: replaying an old flush cannot roll a bucket back", async () => {
    const tenant = newTenant("replay");
    const t = await writer(tenant);
    await recordEvent(tenant, t, { eventId: "a", metric: "apiCalls", quantity: 1 });
    const stale = await runInDurableObject(meter(tenant), (_: TenantMeter, state) => state.storage.sql.exec("SELECT * FROM buckets").toArray());
    await recordEvent(tenant, t, { eventId: "b", metric: "apiCalls", quantity: 1 });
    await flushMeter(env, tenant);
    const flushed = await rollups(tenant);
    // Crash simulation: the first flush's rows arrive late and are applied again.
    const { writeRollups } = await import("../../src/metering/flush");
    await writeRollups(
      env.DB,
      tenant,
      stale.map((r) => ({
        metric: r.metric as string,
        bucketStart: r.bucket_start as number,
        projectId: r.project_id as string,
        resource: r.resource as string,
        costCenterId: r.cost_center_id as string,
        events: r.event_count as number,
        sum: r.sum_value as string,
        max: r.max_value as string,
        latestAt: r.latest_at as number,
        latestSeq: r.latest_seq as number,
        latest: r.latest_value as string,
        rejected: r.rejected_count as number,
        version: r.version as number,
      })),
      [],
      Date.now(),
    );
    expect(await rollups(tenant)).toEqual(flushed);
    expect(flushed[0]).toMatchObject({ sum_value: "2", event_count: 2 });
  });

  it("reads its own writes: the summary includes events not yet flushed, merged with flushed ones", async () => {
    const tenant = newTenant("ryw");
    const t = await writer(tenant);
    await recordEvent(tenant, t, { eventId: "1", metric: "apiCalls", quantity: 10 });
    await flushMeter(env, tenant);
    await recordEvent(tenant, t, { eventId: "2", metric: "apiCalls", quantity: 5 });
    expect(item(await summary(tenant, t), "apiCalls")).toMatchObject({ quantity: "15", events: 2 });
  });

  it("billedUsage: per metric over windows, by the aggregation asked for, filtered by project", async () => {
    const tenant = newTenant("totals");
    const t = await writer(tenant);
    await subscribe(tenant, { meters: [meterSpec("seats", { aggregation: "max" })] });
    const now = Date.now();
    const events = [
      { metric: "seats", quantity: 3, projectId: "a" },
      { metric: "seats", quantity: 9, projectId: "b" },
      { metric: "apiCalls", quantity: 0.1, projectId: "a" },
      { metric: "apiCalls", quantity: 0.2, projectId: "a" },
      { metric: "apiCalls", quantity: 1 },
      { metric: "storage", quantity: 100 },
    ];
    for (const [i, e] of events.entries()) await recordEvent(tenant, t, { eventId: `t${i}`, ...e });
    await flushMeter(env, tenant);
    await recordEvent(tenant, t, { eventId: "late", metric: "apiCalls", quantity: 0.7, projectId: "a" });

    const from = now - 2 * HOUR_MS;
    const to = now + HOUR_MS;
    const aggs = new Map([
      ["apiCalls", "sum"],
      ["seats", "max"],
      ["storage", "latest"],
    ] as const);
    const totals = async (w: Partial<UsageWindow>) => Object.fromEntries(await billedUsage(env, tenant, [{ from, to, ...w }], aggs));
    expect(await totals({})).toEqual({ apiCalls: "2", seats: "9", storage: "100" });
    expect(await totals({ projectId: "a" })).toEqual({ apiCalls: "1", seats: "3", storage: "0" });
    expect(await totals({ projectId: null })).toEqual({ apiCalls: "1", seats: "0", storage: "100" });
    expect(await totals({ excludeProjectIds: ["a"] })).toEqual({ apiCalls: "1", seats: "9", storage: "100" });
    expect(await totals({ from: to, to: to + HOUR_MS })).toEqual({ apiCalls: "0", seats: "0", storage: "0" });
    // Two windows are one set of usage: the max of both, the sum of both.
    const split = now - HOUR_MS / 2;
    expect(
      Object.fromEntries(
        await billedUsage(
          env,
          tenant,
          [
            { from, to: split },
            { from: split, to },
          ],
          aggs,
        ),
      ),
    ).toEqual({ apiCalls: "2", seats: "9", storage: "100" });
  });

  it("splits the hour at a billing-period boundary, so consecutive periods share no usage", async () => {
    const tenant = newTenant("boundary");
    const t = await writer(tenant);
    const now = Date.now();
    const hour = Math.floor(now / HOUR_MS) * HOUR_MS;
    // A renewal at an odd minute of the current hour: events before it belong to the old period.
    const boundary = hour + Math.max(1, Math.floor((now - hour) / 2));
    await subscribe(tenant, { periodStart: boundary, periodEnd: boundary + 30 * 86_400_000, meters: [] });
    await recordEvent(tenant, t, { eventId: "old", metric: "apiCalls", quantity: 1, timestamp: boundary - 1 });
    await recordEvent(tenant, t, { eventId: "new", metric: "apiCalls", quantity: 2, timestamp: boundary });
    await flushMeter(env, tenant);
    const sum = new Map([["apiCalls", "sum"]] as const);
    expect(await billedUsage(env, tenant, [{ from: boundary, to: boundary + 30 * 86_400_000 }], sum)).toEqual(new Map([["apiCalls", "2"]]));
    expect(await billedUsage(env, tenant, [{ from: boundary - 86_400_000, to: boundary }], sum)).toEqual(new Map([["apiCalls", "1"]]));
    // The default summary window is the tenant-wide subscription's current period.
    const res = await call("GET", `tenants/${tenant}/usage/summary`, { token: t });
    expect(res.json.data).toMatchObject({ from: new Date(boundary).toISOString(), items: [{ metric: "apiCalls", quantity: "2" }] });
  });

  it("groups a summary by project, resource, cost center, hour and day", async () => {
    const tenant = newTenant("group");
    const t = await writer(tenant);
    const now = Date.now();
    const h = Math.floor(now / HOUR_MS) * HOUR_MS;
    const events = [
      { quantity: 1, projectId: "p1", resource: "r1", costCenterId: "c1", timestamp: h - HOUR_MS },
      { quantity: 2, projectId: "p1", resource: "r2", timestamp: h },
      { quantity: 4, projectId: "p2", resource: "r1", costCenterId: "c1", timestamp: h },
      { quantity: 8, timestamp: h },
    ];
    for (const [i, e] of events.entries()) {
      await recordEvent(tenant, t, { eventId: `g${i}`, metric: "apiCalls", ...e, timestamp: new Date(e.timestamp).toISOString() });
    }
    const q = (groupBy: string) => summary(tenant, t, `${around(now)}&groupBy=${groupBy}`).then((items) => items.map((i) => [i.key, i.quantity]));
    expect(await q("project")).toEqual([
      [null, "8"],
      ["p1", "3"],
      ["p2", "4"],
    ]);
    expect(await q("resource")).toEqual([
      [null, "8"],
      ["r1", "5"],
      ["r2", "2"],
    ]);
    expect(await q("costCenter")).toEqual([
      [null, "10"],
      ["c1", "5"],
    ]);
    expect(await q("hour")).toEqual([
      [new Date(h - HOUR_MS).toISOString(), "1"],
      [new Date(h).toISOString(), "14"],
    ]);
    const days = await q("day");
    expect(days.reduce((n, [, v]) => n + Number(v), 0)).toBe(15);
    expect(await summary(tenant, t, `${around(now)}&metric=llmTokens`)).toEqual([]);
  });

  it("rejects a bad summary window", async () => {
    const tenant = newTenant("win");
    const t = await writer(tenant);
    const bad = ["from=2026-02-01&to=2026-01-01", "from=2020-01-01&to=2026-01-01", "from=yesterday", "groupBy=week"];
    for (const query of bad) {
      const res = await call("GET", `tenants/${tenant}/usage/summary?${query}`, { token: t });
      expect(res.status, query).toBe(400);
    }
  });
});
