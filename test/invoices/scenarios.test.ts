import { PDFDocument } from "pdf-lib";
import { beforeAll, describe, expect, it } from "vitest";
import { env } from "cloudflare:workers";
import { database } from "../../src/db/client";
import { finalizeInvoice } from "../../src/invoices/lifecycle";
import { generateInvoice } from "../../src/invoices/generate";
import { closePeriods } from "../../src/invoices/period-close";
import { loadInvoice, toInvoice } from "../../src/invoices/store";
import { CreatePlan } from "../../src/plans/schemas";
import { createPlan, findPlan } from "../../src/plans/service";
import { adminToken, call, token } from "../helpers";

const db = database(env.DB);
const DAY = 86_400_000;

async function plan(input: Partial<CreatePlan> & { id: string; basePrice: number }) {
  return (await findPlan(db, input.id)) ?? createPlan(db, CreatePlan.parse({ name: input.id, ...input }), Date.now());
}

const principal = (tenant: string) => ({ sub: "u", tenant, scopes: new Set(["billing:read", "billing:update"]) });

/** A tenant subscribed `daysAgo` days ago (its first period is still open now). */
async function subscribed(tenant: string, planId: string, daysAgo: number, settings: Record<string, unknown> = {}) {
  const admin = await adminToken();
  if (Object.keys(settings).length) expect((await call("PUT", `tenants/${tenant}`, { token: admin, body: settings })).status).toBe(200);
  const t = await token({ tenant });
  const startAt = new Date(Date.now() - daysAgo * DAY).toISOString();
  const res = await call("POST", `tenants/${tenant}/subscriptions`, { token: t, body: { planId, startAt, trial: false } });
  expect(res.status, JSON.stringify(res.json)).toBe(201);
  return { t, sub: res.json.data, start: Date.parse(res.json.data.currentPeriodStart), end: Date.parse(res.json.data.currentPeriodEnd) };
}

async function use(tenant: string, t: string, metric: string, quantity: number, at: number, id = crypto.randomUUID()) {
  const res = await call("POST", `tenants/${tenant}/usage`, { token: t, body: { eventId: id, metric, quantity, timestamp: new Date(at).toISOString() } });
  expect(res.status, JSON.stringify(res.json)).toBe(200);
}

/** Generates and finalizes the invoice of the period that ends at `end`, as of just after it. */
async function invoiceAfter(tenant: string, end: number) {
  const { id } = await generateInvoice(env, db, principal(tenant), tenant, {}, end + 1000);
  return finalizeInvoice(env, id, principal(tenant), end + 2000);
}

const amounts = (inv: { lines: Array<{ kind: string; amount: { amount: number } }> }, kind: string) =>
  inv.lines.filter((l) => l.kind === kind).map((l) => l.amount.amount);

beforeAll(async () => {
  await plan({
    id: "grad",
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
    ] as CreatePlan["meters"],
  });
  await plan({
    id: "vol",
    basePrice: 0,
    meters: [
      {
        metric: "seats",
        price: {
          model: "volume",
          tiers: [
            { upTo: 10, unitPrice: "500" },
            { upTo: null, unitPrice: "400" },
          ],
        },
      },
    ] as CreatePlan["meters"],
  });
  await plan({
    id: "pkg",
    basePrice: 0,
    meters: [{ metric: "storage", aggregation: "max", price: { model: "package", packageSize: 1000, packagePrice: 250 } }] as CreatePlan["meters"],
  });
  await plan({
    id: "small-29",
    name: "Small",
    basePrice: 2900,
    meters: [{ metric: "apiCalls", price: { model: "per_unit", unitPrice: "0.5" } }] as CreatePlan["meters"],
  });
  await plan({
    id: "big-99",
    name: "Big",
    basePrice: 9900,
    meters: [{ metric: "apiCalls", price: { model: "per_unit", unitPrice: "0.25" } }] as CreatePlan["meters"],
  });
  await plan({
    id: "jpy",
    basePrice: 1200,
    currency: "JPY",
    meters: [{ metric: "calls", price: { model: "per_unit", unitPrice: "0.5" } }] as CreatePlan["meters"],
  });
  await plan({
    id: "kwd",
    basePrice: 12345,
    currency: "KWD",
    meters: [{ metric: "calls", price: { model: "per_unit", unitPrice: "0.3333" } }] as CreatePlan["meters"],
  });
});

describe("usage pricing on invoices (exact cents)", () => {
  it("graduated tiers across a boundary with included quantity", async () => {
    const { t, start, end } = await subscribed("scn-grad", "grad", 3);
    await use("scn-grad", t, "apiCalls", 700, start + 1000);
    await use("scn-grad", t, "apiCalls", 600, start + 2000);
    // 1300 used − 100 included = 1200 billable: 1000 × 2¢ + 200 × 1¢ = 2200¢
    const inv = await invoiceAfter("scn-grad", end);
    expect(amounts(inv, "base")).toEqual([1000]);
    expect(amounts(inv, "usage")).toEqual([2200]);
    expect(inv.total).toEqual({ amount: 3200, currency: "USD" });
    expect(inv.lines.find((l) => l.kind === "usage")).toMatchObject({ meter: "apiCalls", quantity: "1200" });
  });

  it("volume tiers price every unit at the tier reached", async () => {
    const { t, end } = await subscribed("scn-vol", "vol", 2);
    for (let i = 0; i < 12; i++) await use("scn-vol", t, "seats", 1, Date.now() - 1000 - i);
    const inv = await invoiceAfter("scn-vol", end);
    expect(amounts(inv, "usage")).toEqual([12 * 400]);
  });

  it("package pricing rounds up to whole packages (on a max gauge)", async () => {
    const { t, end } = await subscribed("scn-pkg", "pkg", 2);
    await use("scn-pkg", t, "storage", 1500, Date.now() - 5000);
    await use("scn-pkg", t, "storage", 2001, Date.now() - 4000);
    await use("scn-pkg", t, "storage", 100, Date.now() - 3000);
    const inv = await invoiceAfter("scn-pkg", end);
    expect(amounts(inv, "usage")).toEqual([3 * 250]); // max 2001 → 3 packages
  });

  it("JPY has no decimals and KWD three, rounded once per line half-even", async () => {
    const jp = await subscribed("scn-jpy", "jpy", 2, { currency: "JPY", taxRateBps: 1000, roundingMode: "half_even" });
    await use("scn-jpy", jp.t, "calls", 3, Date.now() - 1000); // 1.5 yen → 2 (half-even)
    const jpy = await invoiceAfter("scn-jpy", jp.end);
    expect(jpy.currency).toBe("JPY");
    expect(amounts(jpy, "usage")).toEqual([2]);
    expect(jpy.subtotal.amount).toBe(1202);
    expect(jpy.tax.amount).toBe(120); // 120.2 → 120
    expect(jpy.total.amount).toBe(1322);

    const kw = await subscribed("scn-kwd", "kwd", 2);
    await use("scn-kwd", kw.t, "calls", 10, Date.now() - 1000); // 3.333 fils → 3
    const kwd = await invoiceAfter("scn-kwd", kw.end);
    expect(amounts(kwd, "usage")).toEqual([3]);
    expect(kwd.total).toEqual({ amount: 12348, currency: "KWD" });
    const pdf = await env.INVOICES.get(`invoices/scn-kwd/${kwd.id}.pdf`);
    expect((await PDFDocument.load(await pdf!.arrayBuffer())).getTitle()).toContain(kwd.number!);
  });
});

describe("the tenant's rounding mode on an invoice", () => {
  it("a tie (5 calls at ¥0.5 = ¥2.5) is ¥3 under half-up (the default) and ¥2 under half-even, tax rounded the same way", async () => {
    const up = await subscribed("scn-round-up", "jpy", 2, { currency: "JPY", taxRateBps: 1250 });
    const even = await subscribed("scn-round-even", "jpy", 2, { currency: "JPY", taxRateBps: 1250, roundingMode: "half_even" });
    await use("scn-round-up", up.t, "calls", 5, Date.now() - 1000);
    await use("scn-round-even", even.t, "calls", 5, Date.now() - 1000);

    const a = await invoiceAfter("scn-round-up", up.end);
    expect(amounts(a, "usage")).toEqual([3]); // 2.5 → 3
    expect(a.subtotal.amount).toBe(1203);
    expect(a.tax.amount).toBe(150); // 12.5 % of 1203 = 150.375 → 150
    expect(a.total.amount).toBe(1353);

    const b = await invoiceAfter("scn-round-even", even.end);
    expect(amounts(b, "usage")).toEqual([2]); // 2.5 → 2 (even)
    expect(b.subtotal.amount).toBe(1202);
    expect(b.tax.amount).toBe(150); // 150.25 → 150
    expect(b.total.amount).toBe(1352);
  });

  it("a tax tie: 10 % of ¥1205 is ¥120.5, ¥121 under half-up and ¥120 under half-even", async () => {
    const up = await subscribed("scn-taxtie-up", "jpy", 2, { currency: "JPY", taxRateBps: 1000 });
    const even = await subscribed("scn-taxtie-even", "jpy", 2, { currency: "JPY", taxRateBps: 1000, roundingMode: "half_even" });
    await use("scn-taxtie-up", up.t, "calls", 10, Date.now() - 1000); // ¥5 exactly: no tie on the line
    await use("scn-taxtie-even", even.t, "calls", 10, Date.now() - 1000);
    const a = await invoiceAfter("scn-taxtie-up", up.end);
    const b = await invoiceAfter("scn-taxtie-even", even.end);
    expect([a.subtotal.amount, a.tax.amount, a.total.amount]).toEqual([1205, 121, 1326]);
    expect([b.subtotal.amount, b.tax.amount, b.total.amount]).toEqual([1205, 120, 1325]);
  });
});

describe("a month with everything", () => {
  it("mid-period upgrade + usage + 20% coupon repeating 3 months + credit partly consuming the invoice", async () => {
    const tenant = "scn-all";
    const admin = await adminToken();
    const coupon = await call("POST", "coupons", {
      token: admin,
      body: { code: "TWENTY3", percentOff: 20, duration: "repeating", durationInMonths: 3 },
    });
    expect(coupon.status, JSON.stringify(coupon.json)).toBe(201);
    const { t, sub, start, end } = await subscribed(tenant, "small-29", 10);
    const period = end - start;

    const applied = await call("POST", `subscriptions/${sub.id}/discount`, { token: t, body: { couponCode: "TWENTY3" } });
    expect(applied.status, JSON.stringify(applied.json)).toBe(200);
    const credit = await call("POST", `subscriptions/${sub.id}/credits`, { token: admin, body: { amount: 5000, currency: "USD", reason: "goodwill" } });
    expect(credit.status, JSON.stringify(credit.json)).toBeLessThan(300);

    await use(tenant, t, "apiCalls", 1000, start + 1000); // before the upgrade
    const upgrade = await call("POST", `subscriptions/${sub.id}/change-plan`, { token: t, body: { planId: "big-99", prorate: true, at: "now" } });
    expect(upgrade.status, JSON.stringify(upgrade.json)).toBe(200);
    const changedAt = Date.now();
    await use(tenant, t, "apiCalls", 1000, Date.now());

    const remaining = { s: Math.floor((end - changedAt) / 1000), p: Math.floor(period / 1000) };
    const prorations = upgrade.json.data.prorations.map((p: { amount: number }) => p.amount);
    // Credit of the unused Small time and charge of the rest of Big, each rounded once.
    expect(Math.abs(prorations[0] + Math.round((2900 * remaining.s) / remaining.p))).toBeLessThanOrEqual(1);
    const inv = await invoiceAfter(tenant, end);
    // Small's fee up to the upgrade and Big's after it: exactly what the change previewed.
    const base = [2900 + prorations[0], prorations[1]];
    // Each plan prices the usage of its own segment: 1000 × 0.5¢ before, 1000 × 0.25¢ after.
    const usage = [500, 250];
    const subtotal = base[0]! + base[1]! + usage[0]! + usage[1]!;
    const discount = Math.round(subtotal * 0.2);
    expect(amounts(inv, "base")).toEqual(base);
    expect(amounts(inv, "usage")).toEqual(usage);
    expect(inv.subtotal.amount).toBe(subtotal);
    expect(inv.discounts.amount).toBe(discount);
    expect(inv.total.amount).toBe(subtotal - discount);
    expect(inv.creditsApplied.amount).toBe(Math.min(5000, subtotal - discount));
    expect(inv.amountDue.amount).toBe(subtotal - discount - inv.creditsApplied.amount);
    const parts = inv.lines.reduce((s, l) => s + l.amount.amount, 0);
    expect(parts).toBe(inv.total.amount); // lines (incl. the discount line) add up to the total (no tax)

    const subscription = await call("GET", `tenants/${tenant}/subscription`, { token: t });
    expect(subscription.json.data.discounts[0]).toMatchObject({ remainingPeriods: 2 });
  });
});

describe("preview", () => {
  it("preview?at= equals the invoice later generated for the same moment", async () => {
    const tenant = "scn-preview";
    const { t, end } = await subscribed(tenant, "grad", 4, { taxRateBps: 825 });
    await use(tenant, t, "apiCalls", 1234.5, Date.now() - 60_000);
    const at = Date.now();
    const preview = await call("GET", `tenants/${tenant}/billing/preview?at=${new Date(at).toISOString()}`, { token: t });
    expect(preview.status, JSON.stringify(preview.json)).toBe(200);
    const invoice = await invoiceAfter(tenant, end);
    const strip = (ls: Array<Record<string, unknown>>) => ls.map(({ id: _id, ...rest }) => rest);
    expect(strip(preview.json.data.lines)).toEqual(strip(invoice.lines as never));
    for (const k of ["subtotal", "discounts", "tax", "total", "creditsApplied", "amountDue"]) {
      expect(preview.json.data[k], k).toEqual((invoice as Record<string, unknown>)[k]);
    }
    const estimate = await call("GET", `tenants/${tenant}/billing/estimate`, { token: t });
    expect(estimate.status).toBe(200);
    expect(estimate.json.data.method).toBe("linear");
  });

  it("answers 404 without a subscription and 400 for an at beyond the current period", async () => {
    const t = await token({ tenant: "scn-nosub" });
    expect((await call("GET", "tenants/scn-nosub/billing/preview", { token: t })).status).toBe(404);
    const { t: t2, end } = await subscribed("scn-future", "grad", 1);
    const future = await call("GET", `tenants/scn-future/billing/preview?at=${new Date(end + DAY).toISOString()}`, { token: t2 });
    expect(future.status).toBe(400);
    const atEnd = await call("GET", `tenants/scn-future/billing/preview?at=${new Date(end).toISOString()}`, { token: t2 });
    expect([atEnd.status, atEnd.json.data.periodEnd]).toEqual([200, new Date(end).toISOString()]);
    expect((await call("GET", "tenants/scn-future/billing/preview", { token: await token({ tenant: "other" }) })).status).toBe(403);
  });
});

describe("period close", () => {
  it("run twice, and again after a crash half-way, yields one invoice per period with gapless numbers", async () => {
    const tenant = "scn-close";
    const { t, end } = await subscribed(tenant, "grad", 5);
    await use(tenant, t, "apiCalls", 150, Date.now() - 1000);
    // A crash after drafting: the first run's drafts exist but nothing was finalized.
    const { id: draftId } = await generateInvoice(env, db, principal(tenant), tenant, {}, end + 10);
    const first = await closePeriods(env, end + 1000);
    const second = await closePeriods(env, end + 2000);
    expect(second.generated).toBe(0);
    expect(second.finalized).toBe(0);
    expect(first.finalized).toBeGreaterThanOrEqual(1);

    const list = await call("GET", `tenants/${tenant}/invoices`, { token: t });
    expect(list.json.data).toHaveLength(1);
    expect(list.json.data[0].id).toBe(draftId);
    expect(list.json.data[0].status).toBe("open");
    expect(list.json.data[0].number).toMatch(/^INV-\d{4}-000001$/);

    // The next period closes a month later: number 2, no gap.
    const next = Date.parse(list.json.data[0].periodEnd) + 40 * DAY;
    await closePeriods(env, next);
    const after = await call("GET", `tenants/${tenant}/invoices`, { token: t });
    const numbers = after.json.data.map((i: { number: string }) => Number(i.number.slice(-6))).sort();
    expect(numbers).toEqual([1, 2]);
    expect(new Set(after.json.data.map((i: { periodStart: string }) => i.periodStart)).size).toBe(2);

    // Generating by hand for an invoiced period returns the existing invoice.
    const again = await generateInvoice(env, db, principal(tenant), tenant, { periodStart: Date.parse(list.json.data[0].periodStart) }, next);
    expect(again).toEqual({ id: draftId, created: false });
  });

  it("generating twice over HTTP returns the same invoice, and a finalized invoice never changes", async () => {
    const tenant = "scn-http";
    const { t, end } = await subscribed(tenant, "grad", 5);
    const early = await call("POST", `tenants/${tenant}/invoices`, { token: t });
    expect(early.status).toBe(409);
    expect(early.json.error.message).toContain("has ended yet");
    // The period ends (as the close would see it a month from now) and is drafted once.
    const first = await generateInvoice(env, db, principal(tenant), tenant, {}, end + 1000);
    expect(first.created).toBe(true);
    const second = await call("POST", `tenants/${tenant}/invoices`, { token: t, body: {} });
    expect(second.status, JSON.stringify(second.json)).toBe(200);
    expect(second.json.data.id).toBe(first.id);
    expect(second.json.data.status).toBe("draft");
    const finalized = await call("POST", `invoices/${first.id}/finalize`, { token: t });
    expect(finalized.status).toBe(200);
    const frozen = toInvoice(await loadInvoice(db, first.id, principal(tenant)));
    expect(frozen.lines).toEqual(finalized.json.data.lines);
    expect((await call("POST", `invoices/${first.id}/finalize`, { token: t })).status).toBe(409);
    expect((await call("POST", `tenants/${tenant}/invoices`, { token: await token({ tenant: "scn-other" }) })).status).toBe(403);
  });
});

describe("late usage", () => {
  it("counts while the invoice is a draft, and is reported (not billed) once it is finalized", async () => {
    const tenant = "scn-late";
    const { t, start, end } = await subscribed(tenant, "grad", 6);
    await use(tenant, t, "apiCalls", 300, start + 1000);
    const { id } = await generateInvoice(env, db, principal(tenant), tenant, {}, end + 1000);
    // Late but backdated into the period while the invoice is still a draft: it counts.
    await use(tenant, t, "apiCalls", 100, start + 2000);
    const finalized = await finalizeInvoice(env, id, principal(tenant), end + 2000);
    expect(finalized.lines.find((l) => l.kind === "usage")).toMatchObject({ quantity: "300" }); // 400 used − 100 included
    // After finalization: the invoice stays as it is and the summary reports the difference.
    await use(tenant, t, "apiCalls", 50, start + 3000);
    expect(toInvoice(await loadInvoice(db, id, principal(tenant))).total).toEqual(finalized.total);
    const summary = await call("GET", `tenants/${tenant}/usage/summary?from=${new Date(start).toISOString()}`, { token: t });
    expect(summary.status, JSON.stringify(summary.json)).toBe(200);
    expect(summary.json.data.lateUsage).toEqual([
      expect.objectContaining({ invoiceId: id, metric: "apiCalls", invoicedQuantity: "400", currentQuantity: "450", lateQuantity: "50" }),
    ]);
  });
});
