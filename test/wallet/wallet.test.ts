import { describe, expect, it } from "vitest";
import { adminToken, call, token } from "../helpers";
import { advance, clockWith, createPlan, figures, invoice, invoicesOf, subscribe } from "../test-clocks/support";

/**
 * Prepaid wallets through the public API: real-time debits at the marginal price, block and
 * overdraft, grant order, and how invoices settle against what was debited.
 */

const admin = () => adminToken();

async function grant(tenantId: string, body: Record<string, unknown>) {
  const res = await call("POST", `tenants/${tenantId}/wallet/grants`, { token: await admin(), body: { currency: "USD", reason: "prepaid", ...body } });
  expect([200, 201], res.text).toContain(res.status);
  return res.json.data;
}

async function wallet(tenantId: string) {
  const res = await call("GET", `tenants/${tenantId}/wallet`, { token: await admin() });
  expect(res.status, res.text).toBe(200);
  return res.json.data;
}

const available = async (tenantId: string) => (await wallet(tenantId)).balances.find((b: any) => b.currency === "USD")?.available ?? 0;

async function transactions(tenantId: string): Promise<any[]> {
  const res = await call("GET", `tenants/${tenantId}/wallet/transactions?limit=200`, { token: await admin() });
  expect(res.status, res.text).toBe(200);
  return res.json.data;
}

async function record(tenantId: string, eventId: string, quantity: number | string, metric = "calls") {
  return call("POST", `tenants/${tenantId}/usage`, { token: await admin(), body: { eventId, metric, quantity } });
}

const usageDebits = (txs: any[]) => txs.filter((t) => t.kind === "usage" || t.kind === "usage_reversal").reduce((s, t) => s - t.amount, 0);

describe("wallet: real-time debits", () => {
  it("200 concurrent events against a wallet that covers exactly 100: 100 accepted, balance 0, 100 × 402", async () => {
    await createPlan({ id: "w-conc", basePrice: 0, meters: [{ metric: "calls", price: { model: "per_unit", unitPrice: "1" } }] });
    const tenant = "w-conc-t";
    await subscribe(tenant, { planId: "w-conc", trial: false });
    await grant(tenant, { grantId: "g1", amount: 100 });
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => record(tenant, `e${i}`, 1)));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(100);
    const refused = results.filter((r) => r.status === 402);
    expect(refused).toHaveLength(100);
    expect(refused[0]!.json.error).toMatchObject({ code: "INSUFFICIENT_CREDITS", details: { metric: "calls", needed: 1, available: 0, currency: "USD" } });
    expect(await available(tenant)).toBe(0);
    expect(usageDebits(await transactions(tenant))).toBe(100);
    // A refused event debited nothing and counted nothing; a replay of an accepted one is a duplicate, not a second debit.
    const accepted = results.findIndex((r) => r.status === 200);
    const replay = await record(tenant, `e${accepted}`, 1);
    expect(replay.status, replay.text).toBe(200);
    expect(replay.json.data.status).toBe("duplicate");
    expect(usageDebits(await transactions(tenant))).toBe(100);
  });

  it("debits the marginal price across tiers; the debits sum to what the invoice charges", async () => {
    // 100 included, then graduated: up to 1,000 at 0.3 ¢ with a 50 ¢ flat fee entering the tier, then 0.125 ¢.
    await createPlan({
      id: "w-tiers",
      basePrice: 0,
      meters: [
        {
          metric: "calls",
          includedQuantity: 100,
          price: {
            model: "graduated",
            tiers: [
              { upTo: 1000, unitPrice: "0.3", flatFee: 50 },
              { upTo: null, unitPrice: "0.125" },
            ],
          },
        },
      ],
    });
    const tenant = "w-tiers-t";
    await subscribe(tenant, { planId: "w-tiers", trial: false });
    await grant(tenant, { grantId: "g1", amount: 100_000 });
    const quantities = [60, 40, 1, 7, 333, 500, 159, 1, 2_000, 3.5, 0.25];
    for (const [i, q] of quantities.entries()) {
      const res = await record(tenant, `t${i}`, q);
      expect(res.status, res.text).toBe(200);
    }
    const debited = usageDebits(await transactions(tenant));
    const preview = await call("GET", `tenants/${tenant}/billing/preview`, { token: await admin() });
    expect(preview.status, preview.text).toBe(200);
    const line = preview.json.data.lines.find((l: any) => l.meter === "calls");
    // 3,104.75 used, 3,004.75 billable: 50 + 1000 × 0.3 + 2004.75 × 0.125 = 600.59375 → 601 ¢.
    expect(line.amount.amount).toBe(601);
    expect(debited).toBe(601);
    expect(await available(tenant)).toBe(100_000 - 601);
    // The prepaid usage pays the invoice first.
    expect(preview.json.data.creditsApplied.amount).toBe(601);
    expect(preview.json.data.amountDue.amount).toBe(0);
  });

  it("a volume tier that lowers every unit's price gives back what was debited above it", async () => {
    await createPlan({
      id: "w-volume",
      basePrice: 0,
      meters: [
        {
          metric: "calls",
          price: {
            model: "volume",
            tiers: [
              { upTo: 10, unitPrice: "10" },
              { upTo: null, unitPrice: "5" },
            ],
          },
        },
      ],
    });
    const tenant = "w-volume-t";
    await subscribe(tenant, { planId: "w-volume", trial: false });
    await grant(tenant, { grantId: "g1", amount: 1000 });
    expect((await record(tenant, "v1", 10)).status).toBe(200); // 100
    expect((await record(tenant, "v2", 2)).status).toBe(200); // 12 × 5 = 60: 40 back
    const txs = await transactions(tenant);
    expect(txs.filter((t) => t.kind === "usage_reversal").map((t) => t.amount)).toEqual([40]);
    expect(await available(tenant)).toBe(940);
    expect(usageDebits(txs)).toBe(60);
  });

  it("uses grants by priority, then soonest expiry; never an expired grant; appliesTo limits a grant to its metrics", async () => {
    await createPlan({
      id: "w-order",
      basePrice: 0,
      meters: [
        { metric: "calls", price: { model: "per_unit", unitPrice: "1" } },
        { metric: "tokens", price: { model: "per_unit", unitPrice: "1" } },
      ],
    });
    const tenant = "w-order-t";
    const clockId = await clockWith("2027-03-01T00:00:00Z", [tenant]);
    await subscribe(tenant, { planId: "w-order", trial: false });
    await grant(tenant, { grantId: "late", amount: 10, expiresAt: "2027-03-20T00:00:00Z" });
    await grant(tenant, { grantId: "soon", amount: 10, expiresAt: "2027-03-05T00:00:00Z" });
    await grant(tenant, { grantId: "forever", amount: 10 });
    await grant(tenant, { grantId: "first", amount: 5, priority: 1 });
    await grant(tenant, { grantId: "tokens-only", amount: 50, priority: 0, appliesTo: ["tokens"] });

    expect((await record(tenant, "o1", 12)).status).toBe(200);
    const byGrant = (w: any) => Object.fromEntries(w.grants.map((g: any) => [g.grantId, g.remaining]));
    // first (priority 1) 5, then soon 7 of 10; tokens-only is not for calls.
    expect(byGrant(await wallet(tenant))).toMatchObject({ first: 0, soon: 3, late: 10, forever: 10, "tokens-only": 50 });
    expect((await record(tenant, "o2", 4, "tokens")).status).toBe(200);
    expect(byGrant(await wallet(tenant))["tokens-only"]).toBe(46);

    await advance(clockId, "2027-03-06T00:00:00Z"); // "soon" has expired with 3 left
    const w = await wallet(tenant);
    expect(w.grants.find((g: any) => g.grantId === "soon")).toMatchObject({ remaining: 3, expired: true });
    expect(w.balances).toEqual([{ currency: "USD", available: 20 + 46, held: 0 }]);
    expect((await record(tenant, "o3", 15)).status).toBe(200);
    expect(byGrant(await wallet(tenant))).toMatchObject({ soon: 3, late: 0, forever: 5 });
    // 5 left for calls: 6 more is refused under `block`, and nothing is taken.
    const refused = await record(tenant, "o4", 6);
    expect(refused.status, refused.text).toBe(402);
    expect(refused.json.error.details).toMatchObject({ needed: 6, available: 5 });
    expect(byGrant(await wallet(tenant)).forever).toBe(5);
  });

  it("overdraft accepts what the balance cannot pay; the invoice charges the rest", async () => {
    await createPlan({ id: "w-over", basePrice: 1000, meters: [{ metric: "calls", price: { model: "per_unit", unitPrice: "2" } }] });
    const tenant = "w-over-t";
    const clockId = await clockWith("2027-05-01T00:00:00Z", [tenant]);
    await subscribe(tenant, { planId: "w-over", trial: false });
    await grant(tenant, { grantId: "g1", amount: 150 });
    const settings = await call("PUT", `tenants/${tenant}/wallet/settings`, { token: await admin(), body: { policy: "overdraft" } });
    expect(settings.status, settings.text).toBe(200);
    expect(settings.json.data).toMatchObject({ enabled: true, policy: "overdraft" });
    expect((await record(tenant, "d1", 50)).status).toBe(200); // 100 ¢
    expect((await record(tenant, "d2", 50)).status).toBe(200); // 100 ¢: 50 from the wallet, 50 uncovered
    expect(await available(tenant)).toBe(0);

    await advance(clockId, "2027-06-01T00:00:00Z");
    const [may] = await invoicesOf(tenant);
    // 10.00 base + 2.00 usage; 1.50 was prepaid in real time; the rest is due.
    expect(figures(may)).toMatchObject({ subtotal: 1200, total: 1200, creditsApplied: 150, amountDue: 1050 });
  });
});

describe("wallet: invoices settle against it", () => {
  it("prepaid usage pays its invoice; the balance pays the base fee; a void gives all of it back", async () => {
    await createPlan({ id: "w-settle", basePrice: 500, meters: [{ metric: "calls", price: { model: "per_unit", unitPrice: "1" } }] });
    const tenant = "w-settle-t";
    const clockId = await clockWith("2027-01-01T00:00:00Z", [tenant]);
    await subscribe(tenant, { planId: "w-settle", trial: false });
    await grant(tenant, { grantId: "g1", amount: 1000 });
    expect((await record(tenant, "s1", 120)).status).toBe(200);
    expect(await available(tenant)).toBe(880);

    await advance(clockId, "2027-02-02T00:00:00Z");
    const [jan] = await invoicesOf(tenant);
    expect(figures(jan)).toMatchObject({ status: "paid", subtotal: 620, total: 620, creditsApplied: 620, amountDue: 0 });
    expect(await available(tenant)).toBe(380);
    const txs = await transactions(tenant);
    expect(txs.filter((t) => t.kind === "consumption").map((t) => [t.amount, t.invoiceId])).toEqual([[-500, jan.id]]);

    // A paid invoice cannot be voided; an open one can. Give the next one something to owe.
    expect((await record(tenant, "s2", 30)).status).toBe(200);
    await grant(tenant, { grantId: "g0", amount: 1 }); // idempotency check below
    const again = await call("POST", `tenants/${tenant}/wallet/grants`, {
      token: await admin(),
      body: { grantId: "g0", amount: 999, currency: "USD", reason: "again" },
    });
    expect(again.status, again.text).toBe(200);
    expect(again.json.data.grant).toMatchObject({ grantId: "g0", amount: 1 });
    const settings = await call("PUT", `tenants/${tenant}/wallet/settings`, { token: await admin(), body: { policy: "overdraft" } });
    expect(settings.status).toBe(200);
    expect((await record(tenant, "s3", 900)).status).toBe(200);
    await advance(clockId, "2027-03-02T00:00:00Z");
    const feb = (await invoicesOf(tenant))[1];
    // 5.00 base + 9.30 usage = 14.30; 3.81 of usage was prepaid (0.30, then the 3.51 there was), nothing else is left.
    expect(figures(feb)).toMatchObject({ status: "open", total: 1430, creditsApplied: 381, amountDue: 1049 });
    expect(await available(tenant)).toBe(0);
    const voided = await call("POST", `invoices/${feb.id}/void`, { token: await admin() });
    expect(voided.status, voided.text).toBe(200);
    expect(await available(tenant)).toBe(381);
    const restored = (await transactions(tenant)).filter((t) => t.kind === "restore");
    expect(restored.reduce((s, t) => s + t.amount, 0)).toBe(381);
    // Voiding twice gives back nothing more.
    expect((await call("POST", `invoices/${feb.id}/void`, { token: await admin() })).status).toBe(409);
    expect(await available(tenant)).toBe(381);
    expect((await invoice(feb.id)).status).toBe("void");
  });

  it("credit granted on a subscription is a wallet grant that only invoices use (no real-time debits without a wallet policy)", async () => {
    await createPlan({ id: "w-legacy", basePrice: 0, meters: [{ metric: "calls", price: { model: "per_unit", unitPrice: "1" } }] });
    const tenant = "w-legacy-t";
    const sub = await subscribe(tenant, { planId: "w-legacy", trial: false });
    const res = await call("POST", `subscriptions/${sub.id}/credits`, { token: await admin(), body: { amount: 10, reason: "goodwill" } });
    expect(res.status, res.text).toBe(201);
    // 50 ¢ of usage with 10 ¢ of credit: accepted (no wallet policy), nothing debited now.
    expect((await record(tenant, "l1", 50)).status).toBe(200);
    const w = await wallet(tenant);
    expect(w).toMatchObject({ enabled: false, policy: null, balances: [{ currency: "USD", available: 10, held: 0 }] });
    expect(w.grants).toMatchObject([{ source: "subscription", amount: 10, remaining: 10, subscriptionId: sub.id }]);
    const preview = await call("GET", `tenants/${tenant}/billing/preview`, { token: await admin() });
    expect(preview.json.data.creditsApplied.amount).toBe(10);
    const movements = await call("GET", `tenants/${tenant}/credits/movements`, { token: await admin() });
    expect(movements.json.data.map((m: any) => [m.kind, m.amount])).toEqual([["grant", 10]]);
  });
});

describe("wallet: validation and access", () => {
  it("grants are admin-only and validated; tenants see only their own wallet", async () => {
    const tenant = "w-access-a";
    const own = await token({ tenant, scope: "billing:read billing:update" });
    const other = await token({ tenant: "w-access-b", scope: "billing:read billing:update" });
    const body = { grantId: "x", amount: 100, currency: "USD", reason: "r" };
    expect((await call("POST", `tenants/${tenant}/wallet/grants`, { token: own, body })).status).toBe(403);
    for (const bad of [
      { ...body, amount: 0 },
      { ...body, amount: 1.5 },
      { ...body, grantId: "" },
      { ...body, currency: "usdollar" },
      { ...body, priority: 101 },
      { ...body, appliesTo: [] },
      { ...body, expiresAt: "2020-01-01T00:00:00Z" },
      { ...body, extra: 1 },
    ]) {
      const res = await call("POST", `tenants/${tenant}/wallet/grants`, { token: await admin(), body: bad });
      expect([JSON.stringify(bad), res.status]).toEqual([JSON.stringify(bad), 400]);
      expect(res.json.error.code).toBe("VALIDATION_ERROR");
    }
    expect((await call("GET", `tenants/${tenant}/wallet`, { token: own })).status).toBe(200);
    for (const [method, path, b] of [
      ["GET", `tenants/${tenant}/wallet`, undefined],
      ["GET", `tenants/${tenant}/wallet/transactions`, undefined],
      ["PUT", `tenants/${tenant}/wallet/settings`, { policy: "block" }],
      ["PUT", `tenants/${tenant}/wallet/auto-top-up`, { threshold: 100, amount: 1000, maxPerMonth: 2 }],
      ["GET", `tenants/${tenant}/credits`, undefined],
    ] as const) {
      const res = await call(method, path, { token: other, body: b });
      expect([path, res.status]).toEqual([path, 403]);
    }
    const bad = await call("PUT", `tenants/${tenant}/wallet/settings`, { token: own, body: { policy: "maybe" } });
    expect(bad.status).toBe(400);
    const readOnly = await token({ tenant, scope: "billing:read" });
    expect((await call("PUT", `tenants/${tenant}/wallet/settings`, { token: readOnly, body: { policy: "block" } })).status).toBe(403);
  });
});

describe("wallet: balance events", () => {
  it("a debit that crosses the low-balance threshold emits credits.balance_low once, and credits.depleted at zero", async () => {
    await createPlan({ id: "w-events", basePrice: 0, meters: [{ metric: "calls", price: { model: "per_unit", unitPrice: "1" } }] });
    const tenant = "w-events-t";
    await subscribe(tenant, { planId: "w-events", trial: false });
    await grant(tenant, { grantId: "g1", amount: 100 });
    const set = await call("PUT", `tenants/${tenant}/wallet/settings`, { token: await admin(), body: { policy: "block", lowBalanceThreshold: 30 } });
    expect(set.json.data).toMatchObject({ policy: "block", lowBalanceThreshold: 30 });
    for (const [i, q] of [50, 25, 10, 15].entries()) expect((await record(tenant, `b${i}`, q)).status).toBe(200);
    const events = async (type: string) =>
      (await call("GET", `tenants/${tenant}/events?type=${type}`, { token: await token({ tenant, scope: "billing:read" }) })).json.data;
    expect((await events("credits.balance_low")).map((e: any) => e.data)).toEqual([{ currency: "USD", balance: 25, threshold: 30 }]);
    expect((await events("credits.depleted")).map((e: any) => e.data)).toEqual([{ currency: "USD", balance: 0 }]);
  });

  it("without a threshold of its own, low is 10% of the unexpired credit granted: a new grant raises it, an expired one lowers it", async () => {
    await createPlan({ id: "w-default-low", basePrice: 0, meters: [{ metric: "calls", price: { model: "per_unit", unitPrice: "1" } }] });
    const tenant = "w-default-low-t";
    const clockId = await clockWith("2027-05-01T00:00:00Z", [tenant]);
    await subscribe(tenant, { planId: "w-default-low", trial: false });
    await grant(tenant, { grantId: "forever", amount: 100 });
    await grant(tenant, { grantId: "soon", amount: 100, expiresAt: "2027-05-10T00:00:00Z" });
    // 200 granted: low under 20. The debit takes "soon" first (it expires first).
    expect((await record(tenant, "d1", 50)).status).toBe(200);
    await advance(clockId, "2027-05-11T00:00:00Z"); // "soon" expired with 50 left: 100 granted, low under 10
    expect((await record(tenant, "d2", 92)).status).toBe(200);
    await grant(tenant, { grantId: "more", amount: 200 }); // 300 granted: low under 30
    expect((await record(tenant, "d3", 180)).status).toBe(200);
    const res = await call("GET", `tenants/${tenant}/events?type=credits.balance_low`, { token: await token({ tenant, scope: "billing:read" }) });
    expect(res.json.data.map((e: any) => e.data).sort((a: any, b: any) => a.balance - b.balance)).toEqual([
      { currency: "USD", balance: 8, threshold: 10 },
      { currency: "USD", balance: 28, threshold: 30 },
    ]);
  });
});
