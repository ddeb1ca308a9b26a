import { createExecutionContext, createMessageBatch, getQueueResult, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { consumeUsageBatch } from "../../src/metering/consumer";
import { toMessages, type UsageMessage } from "../../src/metering/enqueue";
import type { TenantMeter } from "../../src/metering/tenant-meter";
import type { MeterEvent } from "../../src/metering/types";
import { item, meter, newTenant, summary, writer } from "../metering/support";

/**
 * At-least-once delivery and a Durable Object that can vanish at any instruction: whatever is
 * replayed, and wherever the meter is reset, the counts end exact — in the meter and in D1.
 */

const events = (tenant: string, n: number, metric = "apiCalls", from = 0): MeterEvent[] =>
  Array.from({ length: n }, (_, i) => ({
    eventId: `${tenant}-${metric}-${from + i}`,
    metric,
    quantity: "2",
    timestamp: Date.now(),
    projectId: i % 2 ? "proj-a" : null,
    resource: null,
    costCenterId: null,
  }));

let seq = 0;
function deliver(bodies: UsageMessage[], attempts = 1) {
  return createMessageBatch<UsageMessage>(
    "usage-events",
    bodies.map((body) => ({ id: `crash-${++seq}`, timestamp: new Date(), attempts, body })),
  );
}

async function consume(batch: MessageBatch<UsageMessage>) {
  const ctx = createExecutionContext();
  await consumeUsageBatch(batch, env, ctx);
  return getQueueResult(batch, ctx);
}

const bodies = (tenant: string, list: MeterEvent[]) => toMessages(tenant, `batch-${tenant}`, list).map((m) => m.body);

/** What D1's rollups say (what invoices read), once flushed. */
async function rolledUp(tenant: string, metric = "apiCalls") {
  const row = await env.DB.prepare(
    "SELECT COALESCE(SUM(event_count), 0) AS events, COALESCE(SUM(CAST(sum_value AS INTEGER)), 0) AS quantity FROM usage_rollups WHERE tenant_id = ? AND metric = ?",
  )
    .bind(tenant, metric)
    .first<{ events: number; quantity: number }>();
  return row!;
}

/** Makes the tenant's meter reset itself (as an eviction or a crash would) on its `nth` processed event. */
async function evictOnEvent(tenant: string, nth: number) {
  await runInDurableObject(meter(tenant), (instance: TenantMeter, state) => {
    const target = instance as unknown as { process: (...args: unknown[]) => unknown; doomed?: boolean };
    const original = target.process.bind(instance);
    let calls = 0;
    target.doomed = true;
    target.process = (...args: unknown[]) => {
      if (++calls === nth) state.abort("evicted mid-batch");
      return original(...args);
    };
  });
}

const isFreshInstance = (tenant: string) =>
  runInDurableObject(meter(tenant), (instance: TenantMeter) => (instance as unknown as { doomed?: boolean }).doomed !== true);

describe("crash and replay", () => {
  it("a batch delivered twice, and a message twice in one delivery, is counted once", async () => {
    const a = newTenant("replay-a");
    const b = newTenant("replay-b");
    const aBodies = bodies(a, [...events(a, 250), ...events(a, 40, "llmTokens")]);
    const bBodies = bodies(b, events(b, 120));
    const first = await consume(deliver([...aBodies, ...bBodies, aBodies[0]!]));
    expect(first.retryMessages).toEqual([]);
    const again = await consume(deliver([...bBodies, ...aBodies], 2));
    expect(again.retryMessages).toEqual([]);

    const ta = await writer(a);
    expect(item(await summary(a, ta), "apiCalls")).toMatchObject({ quantity: "500", events: 250 });
    expect(item(await summary(a, ta), "llmTokens")).toMatchObject({ quantity: "80", events: 40 });
    expect(item(await summary(b, await writer(b)), "apiCalls")).toMatchObject({ quantity: "240", events: 120 });

    // The alarm run twice writes the same absolute rollups: D1 agrees with the meter.
    expect(await runDurableObjectAlarm(meter(a))).toBe(true);
    await runInDurableObject(meter(a), (instance: TenantMeter) => instance.alarm());
    expect(await rolledUp(a)).toEqual({ events: 250, quantity: 500 });
    expect(await rolledUp(a, "llmTokens")).toEqual({ events: 40, quantity: 80 });
  });

  it("a meter evicted in the middle of a batch keeps nothing of it, and the redelivery counts it exactly once", async () => {
    const tenant = newTenant("evict");
    const list = events(tenant, 300);
    // Part of the batch was already counted by an earlier, successful delivery.
    expect((await consume(deliver(bodies(tenant, list.slice(0, 50))))).retryMessages).toEqual([]);

    await evictOnEvent(tenant, 120);
    const all = bodies(tenant, list);
    const crashed = await consume(deliver(all));
    expect(crashed.retryMessages).toHaveLength(all.length);
    expect(crashed.explicitAcks).toEqual([]);
    expect(await isFreshInstance(tenant)).toBe(true);

    const t = await writer(tenant);
    // Only the earlier delivery's 50 events: nothing of the aborted transaction survived.
    expect(item(await summary(tenant, t), "apiCalls")).toMatchObject({ quantity: "100", events: 50 });

    const retried = await consume(deliver(all, 2));
    expect(retried.retryMessages).toEqual([]);
    expect(item(await summary(tenant, t), "apiCalls")).toMatchObject({ quantity: "600", events: 300 });
    await runDurableObjectAlarm(meter(tenant));
    expect(await rolledUp(tenant)).toEqual({ events: 300, quantity: 600 });
  });

  it("a crash between writing D1 and marking the buckets flushed is repaired by the next alarm, without double counting", async () => {
    const tenant = newTenant("flush-crash");
    expect((await consume(deliver(bodies(tenant, events(tenant, 80))))).retryMessages).toEqual([]);

    await runInDurableObject(meter(tenant), (instance: TenantMeter, state) => {
      const store = (instance as unknown as { store: { markFlushed: (...args: unknown[]) => unknown } }).store;
      store.markFlushed = () => state.abort("crashed after writing D1");
      (instance as unknown as { doomed?: boolean }).doomed = true;
    });
    await expect(runInDurableObject(meter(tenant), (instance: TenantMeter) => instance.alarm())).rejects.toThrow();
    expect(await isFreshInstance(tenant)).toBe(true);
    // D1 got the rows; the meter does not know it did.
    expect(await rolledUp(tenant)).toEqual({ events: 80, quantity: 160 });

    // More usage, then the alarm twice: the re-flush rewrites absolute values, it does not add.
    expect((await consume(deliver(bodies(tenant, events(tenant, 20, "apiCalls", 80))))).retryMessages).toEqual([]);
    await runInDurableObject(meter(tenant), (instance: TenantMeter) => instance.alarm());
    await runInDurableObject(meter(tenant), (instance: TenantMeter) => instance.alarm());
    expect(await rolledUp(tenant)).toEqual({ events: 100, quantity: 200 });
    expect(item(await summary(tenant, await writer(tenant)), "apiCalls")).toMatchObject({ quantity: "200", events: 100 });
  });
});
