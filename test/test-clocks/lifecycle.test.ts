import { describe, expect, it } from "vitest";
import { adminToken, call } from "../helpers";
import { advance, at, clockWith, until, createPlan, figures, getSubscription, invoice, invoicesOf, subscribe, usage } from "./support";

/**
 * A subscription's life on a test clock, checked as a finance reader would: each invoice's
 * period, number and amounts to the cent, computed by hand from the plan and the README's
 * billing rules.
 */
describe("test clock: a subscription's lifecycle", () => {
  // The anniversary periods of a Jan 31 anchor (README, Periods): Jan 31 → Feb 28 → Mar 31 → Apr 30 …
  const MONTHLY_FROM_JAN_31 = [
    ["2027-01-31", "2027-02-28"],
    ["2027-02-28", "2027-03-31"],
    ["2027-03-31", "2027-04-30"],
    ["2027-04-30", "2027-05-31"],
    ["2027-05-31", "2027-06-30"],
    ["2027-06-30", "2027-07-31"],
    ["2027-07-31", "2027-08-31"],
    ["2027-08-31", "2027-09-30"],
    ["2027-09-30", "2027-10-31"],
    ["2027-10-31", "2027-11-30"],
    ["2027-11-30", "2027-12-31"],
    ["2027-12-31", "2028-01-31"],
  ].map(([s, e]) => [`${s}T00:00:00.000Z`, `${e}T00:00:00.000Z`] as const);

  it("bills a monthly subscription through 13 months: 12 finalized invoices, gapless numbers, the same whether advanced at once or month by month", async () => {
    // $29.00 a month, API calls at half a cent each.
    await createPlan({ id: "tc-life-monthly", basePrice: 2900, meters: [{ metric: "apiCalls", price: { model: "per_unit", unitPrice: "0.5" } }] });
    const once = "tc-life-once";
    const steps = "tc-life-steps";
    const onceClock = await clockWith("2027-01-31T00:00:00Z", [once], "one go");
    const stepsClock = await clockWith("2027-01-31T00:00:00Z", [steps], "month by month");
    const subs: Record<string, any> = {};
    for (const tenant of [once, steps]) {
      subs[tenant] = await subscribe(tenant, { planId: "tc-life-monthly" });
      expect(subs[tenant]).toMatchObject({ status: "active", currentPeriodStart: "2027-01-31T00:00:00.000Z", currentPeriodEnd: "2027-02-28T00:00:00.000Z" });
      // 7 calls in the first period: 7 × 0.5 ¢ = 3.5 ¢, rounded half-up once: 4 ¢.
      const u = await usage(tenant, { eventId: "calls-1", metric: "apiCalls", quantity: 7 });
      expect(u.status, u.text).toBe(200);
    }

    // Twelve closes in one advance (no cap), into the 13th month.
    const clock = await advance(onceClock, "2028-02-15T00:00:00Z");
    expect(clock.frozenTime).toBe("2028-02-15T00:00:00.000Z");
    // The same, one month at a time.
    for (let m = 2; m <= 13; m++) await advance(stepsClock, at(2027, m, 15));
    expect((await advance(stepsClock, "2028-02-15T00:00:00Z")).frozenTime).toBe("2028-02-15T00:00:00.000Z");

    const lists: Record<string, any[]> = {};
    for (const tenant of [once, steps]) {
      const list = await invoicesOf(tenant);
      lists[tenant] = list;
      expect(
        list.map((i) => [i.periodStart, i.periodEnd]),
        tenant,
      ).toEqual(MONTHLY_FROM_JAN_31);
      // Gapless and in period order; the number's year is the year it was finalized (at the period end).
      expect(list.map((i) => i.number)).toEqual(MONTHLY_FROM_JAN_31.map(([, end], n) => `INV-${end.slice(0, 4)}-${String(n + 1).padStart(6, "0")}`));
      list.forEach((inv, n) => {
        expect(figures(inv), `${tenant} #${n + 1}`).toEqual({
          periodStart: MONTHLY_FROM_JAN_31[n]![0],
          periodEnd: MONTHLY_FROM_JAN_31[n]![1],
          status: "open",
          subtotal: n === 0 ? 2904 : 2900,
          discounts: 0,
          total: n === 0 ? 2904 : 2900,
          creditsApplied: 0,
          amountDue: n === 0 ? 2904 : 2900,
        });
        // Finalized when its period ended (no grace period configured), due net 30.
        expect(inv.finalizedAt).toBe(inv.periodEnd);
        expect(Date.parse(inv.dueAt) - Date.parse(inv.finalizedAt)).toBe(30 * 86_400_000);
      });
      const first = await invoice(list[0].id);
      expect(first.lines.map((l: any) => [l.kind, l.quantity, l.amount.amount])).toEqual([
        ["base", "1", 2900],
        ["usage", "7", 4],
      ]);
      const sub = await getSubscription(subs[tenant].id);
      expect(sub).toMatchObject({ status: "active", currentPeriodStart: "2028-01-31T00:00:00.000Z", currentPeriodEnd: "2028-02-29T00:00:00.000Z" });
    }
    // Line by line the same invoices, however the clock got there.
    const shape = async (list: any[]) =>
      Promise.all(
        list.map(async (i) => ({
          number: i.number,
          ...figures(i),
          lines: (await invoice(i.id)).lines.map((l: any) => [l.kind, l.description, l.quantity, l.amount.amount]),
        })),
      );
    expect(await shape(lists[steps]!)).toEqual(await shape(lists[once]!));
  });

  it("bills a yearly plan anchored on Feb 29 once a year, the next period ending Feb 28", async () => {
    // $300.00 a year.
    await createPlan({ id: "tc-life-yearly", basePrice: 30000, interval: "year" });
    const tenant = "tc-life-yearly-t";
    const clockId = await clockWith("2028-02-29T00:00:00Z", [tenant]);
    const sub = await subscribe(tenant, { planId: "tc-life-yearly" });
    expect(sub).toMatchObject({ currentPeriodStart: "2028-02-29T00:00:00.000Z", currentPeriodEnd: "2029-02-28T00:00:00.000Z" });
    await advance(clockId, "2029-03-01T00:00:00Z");
    expect((await invoicesOf(tenant)).map(figures)).toEqual([
      {
        periodStart: "2028-02-29T00:00:00.000Z",
        periodEnd: "2029-02-28T00:00:00.000Z",
        status: "open",
        subtotal: 30000,
        discounts: 0,
        total: 30000,
        creditsApplied: 0,
        amountDue: 30000,
      },
    ]);
    expect(await getSubscription(sub.id)).toMatchObject({ currentPeriodStart: "2029-02-28T00:00:00.000Z" });
  });

  it("keeps the settings a tenant had before it was put on the clock: its tax rate and rounding mode", async () => {
    const tenant = "tc-life-taxed";
    const settings = await call("PUT", `tenants/${tenant}`, { token: await adminToken(), body: { taxRateBps: 1250, roundingMode: "half_even" } });
    expect(settings.status, settings.text).toBe(200);
    await createPlan({ id: "tc-life-taxed", basePrice: 1000, meters: [{ metric: "apiCalls", price: { model: "per_unit", unitPrice: "1" } }] });
    const clockId = await clockWith("2027-11-01T00:00:00Z", [tenant]);
    await subscribe(tenant, { planId: "tc-life-taxed" });
    expect((await usage(tenant, { eventId: "taxed-1", metric: "apiCalls", quantity: 12 })).status).toBe(200);
    await advance(clockId, "2027-12-02T00:00:00Z");
    const [inv] = await invoicesOf(tenant);
    // $10.00 + 12 calls = $10.12; 12.5 % tax is 126.5 ¢, a tie: half-even gives 126 ¢.
    expect(figures(inv)).toMatchObject({ subtotal: 1012, total: 1138, amountDue: 1138 });
    expect(inv.tax).toEqual({ amount: 126, currency: "USD", rateBps: 1250 });
  });

  it("ends a trial into an active subscription: the trial bills no base fee, the first paid period does", async () => {
    // $49.00 a month, 14 trial days, usage free during the trial (the default), 1 ¢ a call.
    await createPlan({ id: "tc-life-trial", basePrice: 4900, trialDays: 14, meters: [{ metric: "apiCalls", price: { model: "per_unit", unitPrice: "1" } }] });
    const tenant = "tc-life-trial-t";
    const clockId = await clockWith("2027-03-01T00:00:00Z", [tenant]);
    const sub = await subscribe(tenant, { planId: "tc-life-trial" });
    expect(sub).toMatchObject({
      status: "trialing",
      trialStart: "2027-03-01T00:00:00.000Z",
      trialEnd: "2027-03-15T00:00:00.000Z",
      currentPeriodStart: "2027-03-01T00:00:00.000Z",
      currentPeriodEnd: "2027-03-15T00:00:00.000Z",
    });
    expect((await usage(tenant, { eventId: "trial-calls", metric: "apiCalls", quantity: 10 })).status).toBe(200);

    await advance(clockId, "2027-03-14T23:59:59Z");
    expect((await getSubscription(sub.id)).status).toBe("trialing");
    expect(await invoicesOf(tenant)).toEqual([]);

    await advance(clockId, "2027-03-16T00:00:00Z");
    expect(await getSubscription(sub.id)).toMatchObject({
      status: "active",
      billingCycleAnchor: "2027-03-15T00:00:00.000Z",
      currentPeriodStart: "2027-03-15T00:00:00.000Z",
      currentPeriodEnd: "2027-04-15T00:00:00.000Z",
    });
    const [trial] = await invoicesOf(tenant);
    // The trial is a period of its own: no base fee, its 10 calls free: nothing due, paid at once.
    expect(figures(trial)).toEqual({
      periodStart: "2027-03-01T00:00:00.000Z",
      periodEnd: "2027-03-15T00:00:00.000Z",
      status: "paid",
      subtotal: 0,
      discounts: 0,
      total: 0,
      creditsApplied: 0,
      amountDue: 0,
    });
    expect((await invoice(trial.id)).lines.reduce((s: number, l: any) => s + l.amount.amount, 0)).toBe(0);

    expect((await usage(tenant, { eventId: "paid-calls", metric: "apiCalls", quantity: 3 })).status).toBe(200);
    await advance(clockId, "2027-04-16T00:00:00Z");
    const list = await invoicesOf(tenant);
    expect(list).toHaveLength(2);
    // The first paid period: the whole $49.00 fee and 3 calls at 1 ¢.
    expect(figures(list[1])).toEqual({
      periodStart: "2027-03-15T00:00:00.000Z",
      periodEnd: "2027-04-15T00:00:00.000Z",
      status: "open",
      subtotal: 4903,
      discounts: 0,
      total: 4903,
      creditsApplied: 0,
      amountDue: 4903,
    });
    expect(list.map((i) => i.number)).toEqual(["INV-2027-000001", "INV-2027-000002"]);

    // What it told the integrator, at the clock's times: the three-day trial notice included.
    const events = await call("GET", `tenants/${tenant}/events?limit=200`, { token: await adminToken() });
    expect(events.status, events.text).toBe(200);
    const told = events.json.data.map((e: any) => `${e.timestamp} ${e.type}`).sort();
    expect(told).toEqual(
      [
        "2027-03-01T00:00:00.000Z subscription.created",
        "2027-03-12T00:00:00.000Z subscription.trial_will_end",
        "2027-03-15T00:00:00.000Z subscription.updated",
        "2027-03-15T00:00:00.000Z invoice.created",
        "2027-03-15T00:00:00.000Z invoice.finalized",
        "2027-03-15T00:00:00.000Z invoice.paid",
        "2027-04-15T00:00:00.000Z subscription.updated",
        "2027-04-15T00:00:00.000Z invoice.created",
        "2027-04-15T00:00:00.000Z invoice.finalized",
      ].sort(),
    );
  });

  it("applies a scheduled downgrade at the period boundary: the next invoice is at the new price", async () => {
    await createPlan({ id: "tc-life-premium", basePrice: 9900 });
    await createPlan({ id: "tc-life-basic", basePrice: 2900 });
    const tenant = "tc-life-downgrade";
    const clockId = await clockWith("2027-05-10T00:00:00Z", [tenant]);
    const sub = await subscribe(tenant, { planId: "tc-life-premium" });
    await advance(clockId, "2027-05-20T12:00:00Z");

    const change = await call("POST", `subscriptions/${sub.id}/change-plan`, {
      token: await adminToken(),
      body: { planId: "tc-life-basic", at: "period_end" },
    });
    expect(change.status, change.text).toBe(200);
    expect(change.json.data).toMatchObject({ planId: "tc-life-premium", scheduledChange: { planId: "tc-life-basic", at: "2027-06-10T00:00:00.000Z" } });

    await advance(clockId, "2027-06-09T23:59:59Z");
    expect((await getSubscription(sub.id)).planId).toBe("tc-life-premium");
    await advance(clockId, "2027-07-11T00:00:00Z");
    expect(await getSubscription(sub.id)).toMatchObject({
      planId: "tc-life-basic",
      status: "active",
      scheduledChange: null,
      currentPeriodStart: "2027-07-10T00:00:00.000Z",
    });

    const list = await invoicesOf(tenant);
    expect(list.map((i) => [i.periodStart, i.periodEnd, i.total.amount, i.number])).toEqual([
      // The whole premium period, though the change was asked for in the middle of it.
      ["2027-05-10T00:00:00.000Z", "2027-06-10T00:00:00.000Z", 9900, "INV-2027-000001"],
      // From the boundary on, the basic price.
      ["2027-06-10T00:00:00.000Z", "2027-07-10T00:00:00.000Z", 2900, "INV-2027-000002"],
    ]);
    const second = await invoice(list[1].id);
    expect(second.lines.filter((l: any) => l.kind === "base").map((l: any) => [l.description, l.amount.amount])).toEqual([
      ["tc-life-basic (2027-06-10 – 2027-07-10)", 2900],
    ]);
  });

  it("cancels at the period end: the last period is billed, then nothing more", async () => {
    await createPlan({ id: "tc-life-cancel", basePrice: 3000 });
    const tenant = "tc-life-cancel-t";
    const clockId = await clockWith("2027-08-15T00:00:00Z", [tenant]);
    const sub = await subscribe(tenant, { planId: "tc-life-cancel" });
    await advance(clockId, "2027-09-20T00:00:00Z");
    const canceled = await call("POST", `subscriptions/${sub.id}/cancel`, { token: await adminToken(), body: {} });
    expect(canceled.status, canceled.text).toBe(200);
    expect(canceled.json.data).toMatchObject({
      status: "active",
      cancelAtPeriodEnd: true,
      cancelAt: "2027-10-15T00:00:00.000Z",
      canceledAt: "2027-09-20T00:00:00.000Z",
    });

    await advance(clockId, "2027-12-20T00:00:00Z");
    expect(await getSubscription(sub.id)).toMatchObject({ status: "canceled", endedAt: "2027-10-15T00:00:00.000Z" });
    expect((await invoicesOf(tenant)).map((i) => [i.periodStart, i.periodEnd, i.total.amount, i.number])).toEqual([
      ["2027-08-15T00:00:00.000Z", "2027-09-15T00:00:00.000Z", 3000, "INV-2027-000001"],
      ["2027-09-15T00:00:00.000Z", "2027-10-15T00:00:00.000Z", 3000, "INV-2027-000002"],
    ]);
  });

  it("resumes a pause with resumesAt on its own; the paused span bills no base fee", async () => {
    // $30.00 for June (30 days): paused June 11 → June 21, the fee accrues 20 of the 30 days.
    await createPlan({ id: "tc-life-pause", basePrice: 3000, meters: [{ metric: "apiCalls", price: { model: "per_unit", unitPrice: "1" } }] });
    const tenant = "tc-life-pause-t";
    const clockId = await clockWith("2027-06-01T00:00:00Z", [tenant]);
    const sub = await subscribe(tenant, { planId: "tc-life-pause" });
    await advance(clockId, "2027-06-11T00:00:00Z");
    const admin = await adminToken();
    const paused = await call("POST", `subscriptions/${sub.id}/pause`, { token: admin, body: { resumesAt: "2027-06-21T00:00:00Z" } });
    expect(paused.status, paused.text).toBe(200);
    expect(paused.json.data).toMatchObject({ status: "paused", pausedAt: "2027-06-11T00:00:00.000Z", resumesAt: "2027-06-21T00:00:00.000Z" });

    await advance(clockId, "2027-06-20T23:00:00Z");
    expect((await getSubscription(sub.id)).status).toBe("paused");
    // The meter refuses the usage of a paused subscription.
    const refused = await usage(tenant, { eventId: "while-paused", metric: "apiCalls", quantity: 5 });
    expect(refused.status, refused.text).toBe(402);
    expect(refused.json.error.code).toBe("SUBSCRIPTION_PAUSED");

    await advance(clockId, "2027-06-22T00:00:00Z");
    expect(await getSubscription(sub.id)).toMatchObject({ status: "active", pausedAt: null, resumesAt: null });
    const segments = await call("GET", `subscriptions/${sub.id}/segments`, { token: admin });
    expect(segments.status, segments.text).toBe(200);
    expect(segments.json.data.map((s: any) => [s.from, s.to, s.state])).toEqual([
      ["2027-06-01T00:00:00.000Z", "2027-06-11T00:00:00.000Z", "active"],
      ["2027-06-11T00:00:00.000Z", "2027-06-21T00:00:00.000Z", "paused"],
      ["2027-06-21T00:00:00.000Z", "2027-07-01T00:00:00.000Z", "active"],
    ]);

    // Resumed by the clock, the meter takes usage again (the resume reached it).
    const accepted = await until(
      () => usage(tenant, { eventId: "after-resume", metric: "apiCalls", quantity: 2 }),
      (r) => r.status !== 402,
      5_000,
    );
    expect(accepted.status, accepted.text).toBe(200);

    await advance(clockId, "2027-07-02T00:00:00Z");
    const [inv] = await invoicesOf(tenant);
    // 3000 split by the second over three 10-day segments: 1000 each; the paused one is not
    // charged. Plus the 2 calls after the resume at 1 ¢ (the refused 5 are not billed).
    expect(figures(inv)).toEqual({
      periodStart: "2027-06-01T00:00:00.000Z",
      periodEnd: "2027-07-01T00:00:00.000Z",
      status: "open",
      subtotal: 2002,
      discounts: 0,
      total: 2002,
      creditsApplied: 0,
      amountDue: 2002,
    });
    const lines = (await invoice(inv.id)).lines.filter((l: any) => l.kind === "base");
    expect(lines.map((l: any) => [l.periodStart, l.periodEnd, l.amount.amount])).toEqual([
      ["2027-06-01T00:00:00.000Z", "2027-06-11T00:00:00.000Z", 1000],
      ["2027-06-21T00:00:00.000Z", "2027-07-01T00:00:00.000Z", 1000],
    ]);
  });
});
