import { describe, expect, it } from "vitest";
import { adminToken, call, token } from "../helpers";

const DAY = 86_400_000;

/** Every page of GET /tenants, following nextCursor. */
async function allTenants(admin: string, limit: number) {
  const rows: any[] = [];
  let cursor: string | null = null;
  do {
    const res = await call("GET", `tenants?limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`, { token: admin });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.json.data.length).toBeLessThanOrEqual(limit);
    rows.push(...res.json.data);
    cursor = res.json.pagination.nextCursor;
  } while (cursor);
  return rows;
}

describe("GET /tenants (operator list)", () => {
  it("lists every tenant once, by id, with its live plan and the preview's period-to-date total", async () => {
    const admin = await adminToken();
    const subscribed = await token({ tenant: "tl-subscribed" });
    const created = await call("POST", "tenants/tl-subscribed/subscriptions", {
      token: subscribed,
      body: { planId: "pro", trial: false, startAt: new Date(Date.now() - 3 * DAY).toISOString() },
    });
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    const usage = await call("POST", "tenants/tl-subscribed/usage", { token: subscribed, body: { eventId: "tl-1", metric: "apiCalls", quantity: 40 } });
    expect(usage.status).toBe(200);
    expect((await call("PUT", "tenants/tl-settings-only", { token: admin, body: { name: "Settings Only", currency: "EUR" } })).status).toBe(200);
    const ended = await token({ tenant: "tl-canceled" });
    const sub = await call("POST", "tenants/tl-canceled/subscriptions", { token: ended, body: { planId: "pro", trial: false } });
    expect((await call("POST", `subscriptions/${sub.json.data.id}/cancel`, { token: ended, body: { atPeriodEnd: false } })).status).toBe(200);

    const rows = await allTenants(admin, 2);
    const ids = rows.map((r) => r.id);
    expect(ids).toEqual([...new Set(ids)].sort());
    const byId = new Map(rows.map((r) => [r.id, r]));

    const preview = await call("GET", "tenants/tl-subscribed/billing/preview", { token: subscribed });
    expect(byId.get("tl-subscribed")).toEqual({
      id: "tl-subscribed",
      name: null,
      currency: "USD",
      testClock: null,
      subscription: {
        id: created.json.data.id,
        planId: "pro",
        status: "active",
        currentPeriodStart: created.json.data.currentPeriodStart,
        currentPeriodEnd: created.json.data.currentPeriodEnd,
      },
      periodToDate: preview.json.data.total,
    });
    expect(preview.json.data.total.amount).toBeGreaterThan(0);
    expect(byId.get("tl-settings-only")).toMatchObject({ name: "Settings Only", currency: "EUR", subscription: null, periodToDate: null });
    expect(byId.get("tl-canceled")).toMatchObject({ subscription: null, periodToDate: null });
  });

  it("is for operators only and validates its query", async () => {
    const tenant = await token({ tenant: "tl-subscribed", scope: "billing:read billing:update" });
    const denied = await call("GET", "tenants", { token: tenant });
    expect(denied.status).toBe(403);
    expect(denied.json.error.code).toBe("FORBIDDEN");
    const admin = await adminToken();
    for (const query of ["limit=0", "limit=51", "cursor=not-a-cursor"]) {
      const res = await call("GET", `tenants?${query}`, { token: admin });
      expect(res.status, query).toBe(400);
      expect(res.json.error.code).toBe("VALIDATION_ERROR");
    }
  });
});
