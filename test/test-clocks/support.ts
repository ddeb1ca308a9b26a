import { expect } from "vitest";
import { adminToken, call } from "../helpers";

/** Polls `fn` every 50 ms until `done` holds or `ms` have passed; returns the last value. */
export async function until<T>(fn: () => Promise<T>, done: (v: T) => boolean, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (done(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A plan created through the admin API (USD, monthly unless said otherwise). */
export async function createPlan(body: Record<string, unknown>) {
  const res = await call("POST", "plans", { token: await adminToken(), body: { name: String(body.id), ...body } });
  expect(res.status, res.text).toBe(201);
  return res.json.data;
}

/** A clock at `frozenTime` with the given tenants created on it; returns its id. */
export async function clockWith(frozenTime: string, tenants: string[], name?: string): Promise<string> {
  const admin = await adminToken();
  const clock = await call("POST", "test-clocks", { token: admin, body: { frozenTime, ...(name ? { name } : {}) } });
  expect(clock.status, clock.text).toBe(201);
  const id: string = clock.json.data.id;
  for (const tenantId of tenants) {
    const t = await call("POST", `test-clocks/${id}/tenants`, { token: admin, body: { tenantId } });
    expect(t.status, t.text).toBe(201);
  }
  return id;
}

/** Starts an advance (expects 202) and waits until the clock is no longer advancing; returns the clock. */
export async function advance(clockId: string, frozenTime: string, token?: string) {
  const auth = token ?? (await adminToken());
  const started = await call("POST", `test-clocks/${clockId}/advance`, { token: auth, body: { frozenTime } });
  expect(started.status, started.text).toBe(202);
  expect(started.json.data.status).toBe("advancing");
  return settled(clockId, auth);
}

/** Waits for the clock to stop advancing and expects it `ready` at its target. */
export async function settled(clockId: string, token?: string) {
  const auth = token ?? (await adminToken());
  const done = await until(
    () => call("GET", `test-clocks/${clockId}`, { token: auth }),
    (r) => r.status !== 200 || r.json.data.status !== "advancing",
  );
  expect(done.status, done.text).toBe(200);
  expect(done.json.data.status, done.text).toBe("ready");
  expect(done.json.data.failure).toBeNull();
  return done.json.data;
}

/** The tenant's subscription, created through the API (201 expected). */
export async function subscribe(tenantId: string, body: Record<string, unknown>) {
  const res = await call("POST", `tenants/${tenantId}/subscriptions`, { token: await adminToken(), body });
  expect(res.status, res.text).toBe(201);
  return res.json.data;
}

export async function getSubscription(id: string) {
  const res = await call("GET", `subscriptions/${id}`, { token: await adminToken() });
  expect(res.status, res.text).toBe(200);
  return res.json.data;
}

/** Every invoice of the tenant, oldest period first. */
export async function invoicesOf(tenantId: string): Promise<any[]> {
  const res = await call("GET", `tenants/${tenantId}/invoices?limit=200`, { token: await adminToken() });
  expect(res.status, res.text).toBe(200);
  expect(res.json.pagination.hasMore).toBe(false);
  return [...res.json.data].sort((a, b) => a.periodStart.localeCompare(b.periodStart));
}

/** One invoice with its lines. */
export async function invoice(id: string) {
  const res = await call("GET", `invoices/${id}`, { token: await adminToken() });
  expect(res.status, res.text).toBe(200);
  return res.json.data;
}

export async function usage(tenantId: string, event: Record<string, unknown>) {
  return call("POST", `tenants/${tenantId}/usage`, { token: await adminToken(), body: event });
}

/** ISO of a UTC date, as the API prints instants. */
export const at = (y: number, m: number, d: number, h = 0) => new Date(Date.UTC(y, m - 1, d, h)).toISOString();

/** The figures a finance reader checks on an invoice, all in minor units. */
export const figures = (inv: any) => ({
  periodStart: inv.periodStart,
  periodEnd: inv.periodEnd,
  status: inv.status,
  subtotal: inv.subtotal.amount,
  discounts: inv.discounts.amount,
  total: inv.total.amount,
  creditsApplied: inv.creditsApplied.amount,
  amountDue: inv.amountDue.amount,
});
