import { createExecutionContext, createMessageBatch, getQueueResult, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { consumeUsageBatch } from "../../src/metering/consumer";
import { MAX_MESSAGE_BYTES, toMessages, type UsageMessage } from "../../src/metering/enqueue";
import type { TenantMeter } from "../../src/metering/tenant-meter";
import type { MeterEvent } from "../../src/metering/types";
import { call, token } from "../helpers";
import { around, item, meter, newTenant, recordEvent, summary, writer } from "./support";

const events = (n: number, over: Partial<MeterEvent> = {}, prefix = "e"): MeterEvent[] =>
  Array.from({ length: n }, (_, i) => ({
    eventId: `${prefix}${i}`,
    metric: "apiCalls",
    quantity: "1",
    timestamp: Date.now(),
    projectId: null,
    resource: null,
    costCenterId: null,
    ...over,
  }));

let seq = 0;
/** A queue batch as the runtime would deliver our messages (attempts defaults to the first delivery). */
function deliver(bodies: UsageMessage[], attempts = 1) {
  return createMessageBatch<UsageMessage>(
    "usage-events",
    bodies.map((body) => ({ id: `msg-${++seq}`, timestamp: new Date(), attempts, body })),
  );
}

async function consume(batch: MessageBatch<UsageMessage>) {
  const ctx = createExecutionContext();
  await consumeUsageBatch(batch, env, ctx);
  return getQueueResult(batch, ctx);
}

const bodiesOf = (tenant: string, list: MeterEvent[]) => toMessages(tenant, "batch-test", list).map((m) => m.body);

describe("POST /tenants/:tenantId/usage/batch", () => {
  it("validates synchronously: a bad batch is a 400 naming each bad index and field, and nothing is enqueued", async () => {
    const tenant = newTenant("bval");
    const t = await writer(tenant);
    const res = await call("POST", `tenants/${tenant}/usage/batch`, {
      token: t,
      body: {
        events: [
          { eventId: "ok", metric: "apiCalls", quantity: 1 },
          { eventId: "bad-q", metric: "apiCalls", quantity: -3 },
          { metric: "apiCalls", quantity: 1 },
          { eventId: "bad-field", metric: "apiCalls", quantity: 1, color: "red" },
        ],
      },
    });
    expect(res.status).toBe(400);
    const paths = res.json.error.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(expect.arrayContaining(["events.1.quantity", "events.2.eventId", "events.3"]));

    const late = await call("POST", `tenants/${tenant}/usage/batch`, {
      token: t,
      body: {
        events: [
          { eventId: "a", metric: "apiCalls", quantity: 1 },
          { eventId: "b", metric: "apiCalls", quantity: 1, timestamp: Date.now() + 3_600_000 },
        ],
      },
    });
    expect(late.status).toBe(400);
    expect(late.json.error.details).toEqual([expect.objectContaining({ path: "events.1.timestamp" })]);
    await new Promise((r) => setTimeout(r, 1500)); // a queue consumer would have run by now
    expect(await summary(tenant, t, around())).toEqual([]);
  });

  it("refuses more than 1,000 events and an empty batch", async () => {
    const tenant = newTenant("bmax");
    const t = await writer(tenant);
    const tooMany = Array.from({ length: 1001 }, (_, i) => ({ eventId: `e${i}`, metric: "apiCalls", quantity: 1 }));
    const res = await call("POST", `tenants/${tenant}/usage/batch`, { token: t, body: { events: tooMany } });
    expect(res.status).toBe(400);
    expect(res.json.error.details[0].path).toBe("events");
    expect((await call("POST", `tenants/${tenant}/usage/batch`, { token: t, body: { events: [] } })).status).toBe(400);
  });

  it("refuses another tenant's batch", async () => {
    const res = await call("POST", `tenants/${newTenant("other")}/usage/batch`, {
      token: await writer(newTenant("mine")),
      body: { events: [{ eventId: "e", metric: "apiCalls", quantity: 1 }] },
    });
    expect(res.status).toBe(403);
  });

  it("answers 202 with a batchId, and the queue delivers every event exactly once end to end", async () => {
    const tenant = newTenant("bq");
    const t = await writer(tenant);
    const body = {
      events: Array.from({ length: 250 }, (_, i) => ({ eventId: `q${i % 200}`, metric: "apiCalls", quantity: 0.5 })),
    };
    const res = await call("POST", `tenants/${tenant}/usage/batch`, { token: t, body });
    expect(res.status).toBe(202);
    expect(res.json.data).toEqual({ batchId: expect.stringMatching(/^batch_/), accepted: 250 });
    // the same batch again (a client retry) changes nothing
    expect((await call("POST", `tenants/${tenant}/usage/batch`, { token: t, body })).status).toBe(202);

    const deadline = Date.now() + 15_000;
    let apiCalls = item(await summary(tenant, t), "apiCalls");
    while (apiCalls?.events !== 200 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      apiCalls = item(await summary(tenant, t), "apiCalls");
    }
    expect(apiCalls).toMatchObject({ quantity: "100", events: 200 });
  });
});

describe("splitting a batch into queue messages", () => {
  it("puts at most 100 events and well under 128 KB in each message", () => {
    const big = events(1000, { properties: { blob: "x".repeat(250), more: "y".repeat(250), again: "z".repeat(250) } });
    const messages = toMessages("t", "b", big);
    expect(messages.every((m) => m.body.events.length <= 100 && m.bytes <= MAX_MESSAGE_BYTES)).toBe(true);
    expect(messages.every((m) => new TextEncoder().encode(JSON.stringify(m.body)).length <= MAX_MESSAGE_BYTES)).toBe(true);
    expect(messages.flatMap((m) => m.body.events.map((e) => e.eventId))).toEqual(big.map((e) => e.eventId));
    expect(toMessages("t", "b", events(1000))).toHaveLength(10);
    // Multi-byte text is measured in UTF-8 bytes, not characters.
    const wide = toMessages("t", "b", events(1000, { properties: { a: "é".repeat(250), b: "€".repeat(250), c: "ü".repeat(250) } }));
    expect(wide.every((m) => new TextEncoder().encode(JSON.stringify(m.body)).length <= MAX_MESSAGE_BYTES)).toBe(true);
    expect(wide.length).toBeGreaterThan(messages.length);
  });
});

describe("queue consumer", () => {
  it("acks each message it processed and counts an event sent singly and again via the queue once", async () => {
    const tenant = newTenant("qc");
    const t = await writer(tenant);
    await recordEvent(tenant, t, { eventId: "e0", metric: "apiCalls", quantity: 1 });
    // e3 twice in one message, e0 already recorded singly
    const list = [...events(5), events(4)[3]!];
    const batch = deliver(bodiesOf(tenant, list));
    const result = await consume(batch);
    expect(result.explicitAcks.sort()).toEqual(batch.messages.map((m) => m.id).sort());
    expect(result.retryMessages).toEqual([]);
    expect(item(await summary(tenant, t), "apiCalls")).toMatchObject({ quantity: "5", events: 5 });

    // a replay of the whole delivery is harmless
    await consume(deliver(bodiesOf(tenant, list), 2));
    expect(item(await summary(tenant, t), "apiCalls")).toMatchObject({ quantity: "5", events: 5 });
  });

  it("retries a tenant whose object throws midway, acks the others, and ends with exact totals", async () => {
    const failing = newTenant("qfail");
    const healthy = newTenant("qok");
    // Fault injection: the failing tenant's meter throws on the 150th event of its next call, once.
    await runInDurableObject(meter(failing), (instance: TenantMeter) => {
      const target = instance as unknown as { process: (...args: unknown[]) => unknown };
      const original = target.process.bind(instance);
      let calls = 0;
      target.process = (...args: unknown[]) => {
        if (++calls === 150) throw new Error("injected failure");
        return original(...args);
      };
    });
    const failingBodies = bodiesOf(failing, events(300));
    const healthyBodies = bodiesOf(healthy, events(120));
    const first = deliver([...failingBodies, ...healthyBodies]);
    const result = await consume(first);
    const ids = first.messages.map((m) => m.id);
    const failingIds = ids.slice(0, failingBodies.length);
    const healthyIds = ids.slice(failingBodies.length);
    expect(result.explicitAcks.sort()).toEqual([...healthyIds].sort());
    expect(result.retryMessages.map((r) => r.msgId).sort()).toEqual([...failingIds].sort());
    expect(result.ackAll).toBe(false);

    // Nothing of the failed call was kept: the object's transaction rolled back.
    const tf = await writer(failing);
    expect(await summary(failing, tf)).toEqual([]);
    expect(item(await summary(healthy, await writer(healthy)), "apiCalls")).toMatchObject({ quantity: "120", events: 120 });

    // The redelivery succeeds and the totals are exact.
    const retry = deliver(failingBodies, 2);
    const retried = await consume(retry);
    expect(retried.explicitAcks.sort()).toEqual(retry.messages.map((m) => m.id).sort());
    expect(item(await summary(failing, tf), "apiCalls")).toMatchObject({ quantity: "300", events: 300 });
  });

  it("sends a message that is not a usage message to retry (and so eventually the DLQ)", async () => {
    const batch = createMessageBatch<unknown>("usage-events", [{ id: "junk", timestamp: new Date(), attempts: 1, body: { hello: 1 } }]);
    const ctx = createExecutionContext();
    await consumeUsageBatch(batch, env, ctx);
    const result = await getQueueResult(batch, ctx);
    expect(result.retryMessages.map((r) => r.msgId)).toEqual(["junk"]);
    expect(result.explicitAcks).toEqual([]);
  });
});

it("a usage:write token is enough to read the summary of its own tenant", async () => {
  const tenant = newTenant("read");
  const res = await call("GET", `tenants/${tenant}/usage/summary`, { token: await token({ tenant, scope: "usage:write" }) });
  expect(res.status).toBe(200);
});
