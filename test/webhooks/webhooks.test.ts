import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { Webhook } from "standardwebhooks";
import { and, eq } from "drizzle-orm";
import { outbox } from "../../src/outbox/table";
import { RETRY_DELAYS_MS } from "../../src/webhooks/schedule";
import { webhookEndpoints } from "../../src/webhooks/table";
import { ensurePlan } from "../subscriptions/fixtures";
import { call, token } from "../helpers";
import { env } from "cloudflare:workers";
import { deliverEndpoint } from "../../src/webhooks";
import { redeliverEvent } from "../../src/webhooks/endpoints";
import { createEndpoint, db, deliver, deliveriesOf, dispatch, fakeReceiver, hang, holdingEndpoint } from "./support";

const HOOKS = "https://hooks.receiver.example";
const DAY = 86_400_000;

afterEach(() => {
  vi.restoreAllMocks();
});

beforeAll(async () => {
  await ensurePlan({ id: "wh-basic", basePrice: 1000, meters: [{ metric: "apiCalls", limit: 100 }] as never });
});

async function subscribe(tenant: string) {
  const res = await call("POST", `tenants/${tenant}/subscriptions`, { token: await token({ tenant }), body: { planId: "wh-basic", trial: false } });
  expect(res.status, res.text).toBe(201);
  return res.json.data as { id: string };
}

const pause = async (tenant: string, id: string) =>
  expect((await call("POST", `subscriptions/${id}/pause`, { token: await token({ tenant }), body: {} })).status).toBe(200);
const resume = async (tenant: string, id: string) =>
  expect((await call("POST", `subscriptions/${id}/resume`, { token: await token({ tenant }), body: {} })).status).toBe(200);

describe("webhook endpoints", () => {
  it("shows the secret once, validates destinations, updates and deletes", async () => {
    const tenant = "wh-crud";
    const t = await token({ tenant });
    const created = await createEndpoint(tenant, { url: `${HOOKS}/crud`, events: ["invoice.paid", "subscription.updated"], description: "ERP" });
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/=]{40,}$/);
    const got = await call("GET", `webhook-endpoints/${created.id}`, { token: t });
    expect(got.status).toBe(200);
    expect(got.json.data).toMatchObject({ id: created.id, url: `${HOOKS}/crud`, enabled: true, events: ["invoice.paid", "subscription.updated"] });
    expect(got.text).not.toContain(created.secret);
    const list = await call("GET", `tenants/${tenant}/webhook-endpoints`, { token: t });
    expect(list.json.data.map((e: { id: string }) => e.id)).toEqual([created.id]);
    expect(list.text).not.toContain("whsec_");

    const bad = async (body: unknown, path: string) => {
      const res = await call("POST", `tenants/${tenant}/webhook-endpoints`, { token: t, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.json.error.code).toBe("VALIDATION_ERROR");
      expect(JSON.stringify(res.json.error.details)).toContain(path);
    };
    await bad({ url: "http://hooks.example/x", events: ["*"] }, "url");
    await bad({ url: "https://127.0.0.1/x", events: ["*"] }, "url");
    await bad({ url: "https://localhost/x", events: ["*"] }, "url");
    await bad({ url: "https://169.254.169.254/latest/meta-data", events: ["*"] }, "url");
    await bad({ url: "https://10.0.0.7/x", events: ["*"] }, "url");
    await bad({ url: "https://[fd00:ec2::254]/x", events: ["*"] }, "url");
    await bad({ url: "https://metadata.google.internal/x", events: ["*"] }, "url");
    await bad({ url: "https://user:pw@hooks.example/x", events: ["*"] }, "url");
    await bad({ url: `${HOOKS}/x`, events: ["invoice.eaten"] }, "events");
    await bad({ url: `${HOOKS}/x`, events: [] }, "events");
    await bad({ url: `${HOOKS}/x`, events: ["*"], colour: "red" }, "colour");

    const updated = await call("PUT", `webhook-endpoints/${created.id}`, { token: t, body: { events: ["*"], enabled: false } });
    expect(updated.status).toBe(200);
    expect(updated.json.data).toMatchObject({ events: ["*"], enabled: false });
    expect((await call("PUT", `webhook-endpoints/${created.id}`, { token: t, body: { url: "https://192.168.1.1/" } })).status).toBe(400);
    expect((await call("PUT", `webhook-endpoints/${created.id}`, { token: t, body: {} })).status).toBe(400);
    expect((await call("DELETE", `webhook-endpoints/${created.id}`, { token: t })).json.data).toEqual({ id: created.id, deleted: true });
    expect((await call("GET", `webhook-endpoints/${created.id}`, { token: t })).status).toBe(404);

    for (let i = 0; i < 20; i++) await createEndpoint(tenant, { url: `${HOOKS}/many/${i}`, events: ["*"] });
    const extra = await call("POST", `tenants/${tenant}/webhook-endpoints`, { token: t, body: { url: `${HOOKS}/many/20`, events: ["*"] } });
    expect(extra.status).toBe(409);
    expect(extra.json.error.code).toBe("CONFLICT");
  });

  it("another tenant's endpoint is 404 everywhere, and never receives its events", async () => {
    const a = await createEndpoint("wh-iso-a", { url: `${HOOKS}/iso-a`, events: ["*"] });
    const b = await createEndpoint("wh-iso-b", { url: `${HOOKS}/iso-b`, events: ["*"] });
    const tb = await token({ tenant: "wh-iso-b" });
    for (const [method, path, body] of [
      ["GET", `webhook-endpoints/${a.id}`],
      ["PUT", `webhook-endpoints/${a.id}`, { enabled: false }],
      ["DELETE", `webhook-endpoints/${a.id}`],
      ["POST", `webhook-endpoints/${a.id}/rotate-secret`],
      ["GET", `webhook-endpoints/${a.id}/deliveries`],
    ] as const) {
      const res = await call(method, path, { token: tb, body });
      expect(res.status, `${method} ${path}`).toBe(404);
    }
    expect((await call("GET", "tenants/wh-iso-a/webhook-endpoints", { token: tb })).status).toBe(403);
    expect((await call("GET", "tenants/wh-iso-a/events", { token: tb })).status).toBe(403);

    const received = fakeReceiver(`${HOOKS}/iso-`);
    await subscribe("wh-iso-a");
    await dispatch();
    await deliver(a.id);
    await deliver(b.id);
    expect(received.map((r) => r.url)).toEqual([`${HOOKS}/iso-a`]);
    expect(await deliveriesOf(b.id)).toEqual([]);
    const event = received[0]!.id;
    expect((await call("GET", `events/${event}`, { token: tb })).status).toBe(404);
    expect((await call("POST", `events/${event}/redeliver`, { token: tb })).status).toBe(404);
  });
});

describe("delivery", () => {
  it("retries a failing receiver with backoff; every attempt carries the same webhook-id; one success ends it", async () => {
    const tenant = "wh-retry";
    const endpoint = await createEndpoint(tenant, { url: `${HOOKS}/retry`, events: ["subscription.created"] });
    const received = fakeReceiver(`${HOOKS}/retry`, (n) => new Response(n <= 3 ? "down for maintenance" : "thanks", { status: n <= 3 ? 503 : 200 }));
    await subscribe(tenant);
    let now = Date.now();
    await dispatch(now);
    for (let i = 0; i < 10; i++) {
      const [delivery] = await deliveriesOf(endpoint.id);
      if (delivery!.status !== "pending") break;
      now = Math.max(now, delivery!.nextAttemptAt!);
      await deliver(endpoint.id, now);
    }
    expect(received).toHaveLength(4);
    expect(new Set(received.map((r) => r.id)).size).toBe(1);
    expect(received[0]!.json).toMatchObject({ type: "subscription.created", data: { subscription: { tenantId: tenant, planId: "wh-basic" } } });
    const [delivery] = await deliveriesOf(endpoint.id);
    expect(delivery).toMatchObject({ status: "succeeded", attempts: 4 });

    const log = await call("GET", `webhook-endpoints/${endpoint.id}/deliveries`, { token: await token({ tenant }) });
    const attempts = [...log.json.data].reverse();
    expect(attempts.map((a: { attempt: number; status: string; responseStatus: number }) => [a.attempt, a.status, a.responseStatus])).toEqual([
      [1, "failed", 503],
      [2, "failed", 503],
      [3, "failed", 503],
      [4, "succeeded", 200],
    ]);
    expect(attempts[0].responseBody).toBe("down for maintenance");
    // Each retry waits at least its step of the schedule.
    for (let i = 0; i < 3; i++) {
      const wait = Date.parse(attempts[i + 1].attemptedAt) - Date.parse(attempts[i].attemptedAt);
      expect(wait).toBeGreaterThanOrEqual(RETRY_DELAYS_MS[i]!);
      expect(Date.parse(attempts[i].nextAttemptAt)).toBeLessThanOrEqual(Date.parse(attempts[i + 1].attemptedAt));
    }
    expect(attempts[3].nextAttemptAt).toBeNull();
  });

  it("a dispatcher that dies after sending leaves the delivery pending; it is sent again with the same webhook-id", async () => {
    const tenant = "wh-crash";
    const endpoint = await createEndpoint(tenant, { url: `${HOOKS}/crash`, events: ["subscription.created"] });
    const received = fakeReceiver(`${HOOKS}/crash`);
    await holdingEndpoint(endpoint.id, async () => {
      await subscribe(tenant);
      await dispatch();
    });
    const now = Date.now();
    const sent: string[] = [];
    // The send reaches the receiver, then this dispatcher never gets to record it (its isolate died).
    void deliverEndpoint(env, db, endpoint.id, now, async (request) => {
      sent.push(request.headers.get("webhook-id")!);
      return new Promise<Response>(() => {});
    });
    await vi.waitFor(() => expect(sent).toHaveLength(1));
    expect((await deliveriesOf(endpoint.id))[0]).toMatchObject({ status: "pending", attempts: 0 });
    // Nobody else delivers while the lease holds; after it ran out, the next run sends it again.
    expect((await deliverEndpoint(env, db, endpoint.id, now + 1000)).attempted).toBe(0);
    await deliverEndpoint(env, db, endpoint.id, now + 10 * 60_000);
    expect(received.map((r) => r.id)).toEqual([sent[0]]);
    expect((await deliveriesOf(endpoint.id))[0]).toMatchObject({ status: "succeeded", attempts: 1 });
  });

  it("keeps an endpoint's events in order: a later event waits until the one before it is delivered", async () => {
    const tenant = "wh-order";
    const endpoint = await createEndpoint(tenant, { url: `${HOOKS}/order`, events: ["*"] });
    const received = fakeReceiver(`${HOOKS}/order`, (n) => new Response(null, { status: n === 1 ? 500 : 204 }));
    const sub = await subscribe(tenant);
    await pause(tenant, sub.id);
    await resume(tenant, sub.id);
    let now = Date.now();
    await dispatch(now);
    await deliver(endpoint.id, now);
    expect(received).toHaveLength(1); // the first failed; the others wait behind it
    now += 10 * 60_000;
    await deliver(endpoint.id, now);
    const types = received.map((r) => `${r.json.type}:${r.json.data.subscription?.status}`);
    expect(types).toEqual(["subscription.created:active", "subscription.created:active", "subscription.updated:paused", "subscription.updated:active"]);
    expect(received[0]!.id).toBe(received[1]!.id);
    expect(received[2]!.json.data.previousAttributes).toMatchObject({ status: "active", pausedAt: null });
  });

  it("a hanging receiver is cut at 5 s and never holds up the API request that caused the event", async () => {
    const tenant = "wh-hang";
    const endpoint = await createEndpoint(tenant, { url: `${HOOKS}/hang`, events: ["*"] });
    // If delivery ran on the request path, these calls would not return before the 5 s cut, and
    // no attempt would have been made when they did.
    const received = fakeReceiver(`${HOOKS}/hang`, hang);
    const sub = await subscribe(tenant);
    await pause(tenant, sub.id);
    expect(received).toHaveLength(0);
    await vi.waitFor(
      async () => {
        await dispatch();
        await deliver(endpoint.id);
        const [attempt] = (await call("GET", `webhook-endpoints/${endpoint.id}/deliveries`, { token: await token({ tenant }) })).json.data;
        expect(attempt).toMatchObject({ status: "failed", responseStatus: null, error: "No answer within 5 s" });
      },
      { timeout: 15_000, interval: 200 },
    );
    expect(received.length).toBeGreaterThan(0);
  });

  it("stores at most 1 KB of a response body", async () => {
    const tenant = "wh-big";
    const endpoint = await createEndpoint(tenant, { url: `${HOOKS}/big`, events: ["*"] });
    fakeReceiver(`${HOOKS}/big`, () => new Response("x".repeat(50_000), { status: 400 }));
    await subscribe(tenant);
    const now = Date.now();
    await dispatch(now);
    await deliver(endpoint.id, now);
    const [attempt] = (await call("GET", `webhook-endpoints/${endpoint.id}/deliveries`, { token: await token({ tenant }) })).json.data;
    expect(attempt.responseStatus).toBe(400);
    expect(attempt.responseBody.length).toBe(1024);
  });

  it("disables an endpoint that failed every attempt for five days, and tells its tenant", async () => {
    const tenant = "wh-dead";
    const dead = await createEndpoint(tenant, { url: `${HOOKS}/dead`, events: ["subscription.created", "subscription.updated"] });
    const watcher = await createEndpoint(tenant, { url: `${HOOKS}/watcher`, events: ["webhook.endpoint.disabled"] });
    const received = fakeReceiver(HOOKS, (_, r) => new Response(null, { status: r.url.endsWith("/dead") ? 500 : 200 }));
    const sub = await subscribe(tenant);
    let now = Date.now();
    await dispatch(now);
    const start = now;
    let paused = false;
    for (let i = 0; i < 40; i++) {
      const row = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, dead.id)).get();
      if (!row!.enabled) break;
      const pending = (await deliveriesOf(dead.id)).filter((d) => d.status === "pending").sort((x, y) => x.eventSeq - y.eventSeq);
      if (!pending.length && !paused) {
        // The first event was given up after its last retry; a new one keeps the endpoint failing.
        await pause(tenant, sub.id);
        paused = true;
        await dispatch(now);
        continue;
      }
      now = Math.max(now, pending[0]!.nextAttemptAt!);
      await deliver(dead.id, now);
    }
    const row = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, dead.id)).get();
    expect(row).toMatchObject({ enabled: false });
    expect(now - start).toBeGreaterThanOrEqual(5 * DAY);
    expect(now - start).toBeLessThan(6 * DAY);
    // The first event was retried for more than three days before it was given up.
    const first = (await deliveriesOf(dead.id)).sort((x, y) => x.eventSeq - y.eventSeq)[0]!;
    expect(first).toMatchObject({ status: "failed", attempts: RETRY_DELAYS_MS.length + 1 });

    await dispatch(now);
    await deliver(watcher.id, now);
    const notice = received.find((r) => r.url.endsWith("/watcher"));
    expect(notice?.json).toMatchObject({ type: "webhook.endpoint.disabled", data: { endpoint: { id: dead.id } } });
    const got = await call("GET", `webhook-endpoints/${dead.id}`, { token: await token({ tenant }) });
    expect(got.json.data.disabledReason).toMatch(/^Every attempt failed since /);
    // Re-enabling resumes it.
    const reenabled = await call("PUT", `webhook-endpoints/${dead.id}`, { token: await token({ tenant }), body: { enabled: true } });
    expect(reenabled.json.data).toMatchObject({ enabled: true, failingSince: null, disabledReason: null });
  });
});

describe("signatures (verified with the standardwebhooks reference implementation)", () => {
  it("verify before a rotation, with either secret during the overlap, and only with the new one after it", async () => {
    const tenant = "wh-sign";
    const t = await token({ tenant });
    const endpoint = await createEndpoint(tenant, { url: `${HOOKS}/sign`, events: ["*"] });
    const received = fakeReceiver(`${HOOKS}/sign`);
    const sub = await subscribe(tenant);
    await dispatch();
    await deliver(endpoint.id);
    await vi.waitFor(() => expect(received).toHaveLength(1));
    const verify = (secret: string, r: (typeof received)[number]) => new Webhook(secret).verify(r.body, r.headers);
    expect(verify(endpoint.secret, received[0]!)).toMatchObject({ type: "subscription.created" });
    expect(received[0]!.signature.split(" ")).toHaveLength(1);
    const tampered = { ...received[0]!, body: received[0]!.body.replace("wh-basic", "wh-free") };
    expect(() => verify(endpoint.secret, tampered)).toThrow();

    const rotated = await call("POST", `webhook-endpoints/${endpoint.id}/rotate-secret`, { token: t });
    expect(rotated.status).toBe(200);
    const fresh = rotated.json.data.secret as string;
    expect(fresh).not.toBe(endpoint.secret);
    expect(Date.parse(rotated.json.data.previousSecretExpiresAt) - Date.now()).toBeGreaterThan(23 * 3_600_000);
    await pause(tenant, sub.id);
    await dispatch();
    await deliver(endpoint.id);
    await vi.waitFor(() => expect(received.find((r) => r.json.type === "subscription.updated")).toBeDefined());
    const during = received.find((r) => r.json.type === "subscription.updated")!;
    expect(during.signature.split(" ")).toHaveLength(2);
    expect(verify(fresh, during)).toMatchObject({ type: "subscription.updated" });
    expect(verify(endpoint.secret, during)).toMatchObject({ type: "subscription.updated" });

    // After the overlap: only the new secret signs (the timestamp is checked too, so verify at that time).
    const later = Date.now() + 25 * 3_600_000;
    await redeliverEvent(env, db, during.id, null, endpoint.id, later);
    await deliver(endpoint.id, later);
    const after = received.find((r) => Number(r.timestamp) === Math.floor(later / 1000))!;
    expect(after.signature.split(" ")).toHaveLength(1);
    vi.useFakeTimers({ now: later, toFake: ["Date"] });
    try {
      expect(verify(fresh, after)).toMatchObject({ type: "subscription.updated" });
      expect(() => verify(endpoint.secret, after)).toThrow();
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("event log and redelivery", () => {
  it("lists the tenant's events by type and time, and redelivers one with the same webhook-id", async () => {
    const tenant = "wh-log";
    const t = await token({ tenant });
    const endpoint = await createEndpoint(tenant, { url: `${HOOKS}/log`, events: ["subscription.updated"] });
    const received = fakeReceiver(`${HOOKS}/log`);
    const before = new Date(Date.now() - 1000).toISOString();
    const sub = await subscribe(tenant);
    await pause(tenant, sub.id);
    const all = await call("GET", `tenants/${tenant}/events?from=${before}`, { token: t });
    expect(all.status).toBe(200);
    expect(all.json.data.map((e: { type: string }) => e.type)).toEqual(["subscription.updated", "subscription.created"]);
    const updates = await call("GET", `tenants/${tenant}/events?type=subscription.updated`, { token: t });
    expect(updates.json.data).toHaveLength(1);
    expect(updates.json.data[0]).toMatchObject({ tenantId: tenant, data: { subscription: { id: sub.id, status: "paused" } } });
    expect((await call("GET", `tenants/${tenant}/events?type=nope`, { token: t })).status).toBe(400);
    expect((await call("GET", `tenants/${tenant}/events?from=yesterday`, { token: t })).status).toBe(400);
    const none = await call("GET", `tenants/${tenant}/events?from=${new Date(Date.now() + DAY).toISOString()}`, { token: t });
    expect(none.json.data).toEqual([]);

    await dispatch();
    await deliver(endpoint.id);
    expect(received).toHaveLength(1);
    const eventId = updates.json.data[0].id;
    expect(received[0]!.id).toBe(eventId);
    const again = await call("POST", `events/${eventId}/redeliver`, { token: t });
    expect(again.status).toBe(202);
    expect(again.json.data).toEqual({ eventId, endpoints: [endpoint.id] });
    await deliver(endpoint.id);
    expect(received.map((r) => r.id)).toEqual([eventId, eventId]);
    expect((await call("POST", "events/evt_missing/redeliver", { token: t })).status).toBe(404);
  });
});

describe("the outbox", () => {
  it("writes the event in the batch of the change: a batch that fails leaves neither", async () => {
    const tenant = "wh-atomic";
    const sub = await subscribe(tenant);
    const { findSubscription } = await import("../../src/subscriptions/queries");
    const { commitSubscription } = await import("../../src/subscriptions/store");
    const stale = (await findSubscription(db, sub.id))!;
    await pause(tenant, sub.id); // moves the version on
    const events = async () =>
      (
        await db
          .select()
          .from(outbox)
          .where(and(eq(outbox.tenantId, tenant), eq(outbox.kind, "event")))
      ).length;
    const count = await events();
    await expect(commitSubscription(db, stale, { cancelAtPeriodEnd: true }, Date.now())).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await events()).toBe(count);
    expect((await findSubscription(db, sub.id))!.cancelAtPeriodEnd).toBe(false);
    // The same statements in a batch that succeeds are written with it.
    await commitSubscription(db, (await findSubscription(db, sub.id))!, { cancelAtPeriodEnd: true }, Date.now());
    expect(await events()).toBe(count + 1);
  });
});

describe("the dispatcher wiring", () => {
  it("a write wakes the outbox queue consumer, which delivers without any sweep", async () => {
    const tenant = "wh-wake";
    const endpoint = await createEndpoint(tenant, { url: `${HOOKS}/wake`, events: ["subscription.created"] });
    // Only this endpoint's deliveries: the other tests' retries may come due meanwhile.
    const all = fakeReceiver(`${HOOKS}/wake`);
    const mine = () => all.filter((r) => r.url.endsWith("/wake"));
    await subscribe(tenant);
    await vi.waitFor(() => expect(mine()).toHaveLength(1), { timeout: 15_000, interval: 100 });
    expect(mine()[0]!.json.type).toBe("subscription.created");
    await vi.waitFor(async () => expect((await deliveriesOf(endpoint.id))[0]).toMatchObject({ status: "succeeded", attempts: 1 }));
  });

  it("the minutely cron sweeps what no wake-up delivered", async () => {
    const { createScheduledController, createExecutionContext, waitOnExecutionContext } = await import("cloudflare:test");
    const { default: worker } = await import("../../src/index");
    const tenant = "wh-cron";
    const endpoint = await createEndpoint(tenant, { url: `${HOOKS}/cron`, events: ["subscription.created"] });
    const all = fakeReceiver(`${HOOKS}/cron`);
    const mine = () => all.filter((r) => r.url.endsWith("/cron"));
    // Written outside any request: nothing wakes the dispatcher.
    const { eventStatement } = await import("../../src/webhooks");
    await db.batch([eventStatement(db, { tenantId: tenant, type: "subscription.created", data: { subscription: { id: "sub_x" } } as never, at: Date.now() })]);
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ cron: "* * * * *", scheduledTime: Date.now() }), env, ctx);
    await waitOnExecutionContext(ctx);
    await vi.waitFor(() => expect(mine()).toHaveLength(1), { timeout: 15_000, interval: 100 });
    expect(mine()[0]!.json.data.subscription.id).toBe("sub_x");
    expect((await deliveriesOf(endpoint.id))[0]!.eventId).toBe(mine()[0]!.id);
  });
});
