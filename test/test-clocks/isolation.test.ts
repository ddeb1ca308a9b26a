import { describe, expect, it } from "vitest";
import { adminToken, call } from "../helpers";
import { advance, clockWith, createPlan, figures, getSubscription, invoicesOf, settled, subscribe, usage } from "./support";

describe("test clock: isolation and idempotency", () => {
  it("keeps two clocks and real time apart: advancing one clock closes only its tenants' periods", async () => {
    await createPlan({ id: "tc-iso-plan", basePrice: 1500, meters: [{ metric: "apiCalls", price: { model: "per_unit", unitPrice: "1" } }] });
    const a = "tc-iso-a";
    const b = "tc-iso-b";
    const real = "tc-iso-real";
    const clockA = await clockWith("2027-04-01T00:00:00Z", [a], "A");
    const clockB = await clockWith("2027-04-01T00:00:00Z", [b], "B");
    const subA = await subscribe(a, { planId: "tc-iso-plan" });
    const subB = await subscribe(b, { planId: "tc-iso-plan" });
    const before = Date.now();
    const subReal = await subscribe(real, { planId: "tc-iso-plan" });
    // The real-time tenant lives at the real time, which is before the clocks' (its period
    // ends long before where clock A goes: a leak of A's jobs would close it).
    expect(Date.parse(subReal.currentPeriodStart)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(subReal.currentPeriodStart)).toBeLessThanOrEqual(Date.now() + 1000);
    for (const tenant of [a, b, real]) expect((await usage(tenant, { eventId: "iso-1", metric: "apiCalls", quantity: 4 })).status).toBe(200);

    const clock = await advance(clockA, "2027-06-02T00:00:00Z");
    expect(clock.tenants).toEqual([a]);
    const listA = await invoicesOf(a);
    expect(listA.map(figures)).toEqual([
      {
        periodStart: "2027-04-01T00:00:00.000Z",
        periodEnd: "2027-05-01T00:00:00.000Z",
        status: "open",
        subtotal: 1504,
        discounts: 0,
        total: 1504,
        creditsApplied: 0,
        amountDue: 1504,
      },
      {
        periodStart: "2027-05-01T00:00:00.000Z",
        periodEnd: "2027-06-01T00:00:00.000Z",
        status: "open",
        subtotal: 1500,
        discounts: 0,
        total: 1500,
        creditsApplied: 0,
        amountDue: 1500,
      },
    ]);
    expect((await getSubscription(subA.id)).currentPeriodStart).toBe("2027-06-01T00:00:00.000Z");

    // Clock B has not moved, nor has its tenant.
    const b1 = await call("GET", `test-clocks/${clockB}`, { token: await adminToken() });
    expect(b1.json.data).toMatchObject({ frozenTime: "2027-04-01T00:00:00.000Z", status: "ready", tenants: [b] });
    expect(await invoicesOf(b)).toEqual([]);
    expect(await getSubscription(subB.id)).toMatchObject({ currentPeriodStart: "2027-04-01T00:00:00.000Z", currentPeriodEnd: "2027-05-01T00:00:00.000Z" });
    // Nor has the real-time tenant.
    expect(await invoicesOf(real)).toEqual([]);
    expect(await getSubscription(subReal.id)).toMatchObject({ currentPeriodStart: subReal.currentPeriodStart, currentPeriodEnd: subReal.currentPeriodEnd });
    // Each one's usage is its own, in its own current period.
    for (const [tenant, from] of [
      [b, "2027-04-01T00:00:00.000Z"],
      [real, subReal.currentPeriodStart],
    ] as const) {
      const summary = await call("GET", `tenants/${tenant}/usage/summary`, { token: await adminToken() });
      expect(summary.json.data.from).toBe(from);
      expect(summary.json.data.items.map((i: any) => [i.metric, i.quantity])).toEqual([["apiCalls", "4"]]);
    }

    // Then B moves on its own, one period, and A stays where it is.
    await advance(clockB, "2027-05-02T00:00:00Z");
    expect((await invoicesOf(b)).map((i) => [i.periodStart, i.total.amount, i.number])).toEqual([["2027-04-01T00:00:00.000Z", 1504, "INV-2027-000001"]]);
    expect((await invoicesOf(a)).map((i) => i.id)).toEqual(listA.map((i) => i.id));
    expect(await invoicesOf(real)).toEqual([]);
  });

  it("produces each invoice exactly once: advancing twice to the same time, and two advance requests at once", async () => {
    await createPlan({ id: "tc-iso-idem", basePrice: 1200 });
    const tenant = "tc-iso-idem-t";
    const clockId = await clockWith("2027-01-01T00:00:00Z", [tenant]);
    await subscribe(tenant, { planId: "tc-iso-idem" });
    const admin = await adminToken();

    // A millisecond before the period end closes nothing; the end itself closes it.
    await advance(clockId, "2027-02-28T23:59:59.999Z");
    expect((await invoicesOf(tenant)).map((i) => i.periodStart)).toEqual(["2027-01-01T00:00:00.000Z"]);
    await advance(clockId, "2027-03-01T00:00:00Z");
    const first = await invoicesOf(tenant);
    expect(first.map((i) => [i.periodStart, i.number, i.total.amount, i.status])).toEqual([
      ["2027-01-01T00:00:00.000Z", "INV-2027-000001", 1200, "open"],
      ["2027-02-01T00:00:00.000Z", "INV-2027-000002", 1200, "open"],
    ]);
    // The same target again (that very period end): its jobs run again and find nothing to do.
    await advance(clockId, "2027-03-01T00:00:00Z");
    expect(await invoicesOf(tenant)).toEqual(first);
    await advance(clockId, "2027-03-15T00:00:00Z");
    expect(await invoicesOf(tenant)).toEqual(first);

    // Two advances at once: one starts, the other is 409 while it runs (or, if the first was
    // already done, starts after it). Either way each period is invoiced once.
    const both = await Promise.all(
      [0, 1].map(() => call("POST", `test-clocks/${clockId}/advance`, { token: admin, body: { frozenTime: "2027-07-15T00:00:00Z" } })),
    );
    const statuses = both.map((r) => r.status).sort();
    expect([
      [202, 409],
      [202, 202],
    ]).toContainEqual(statuses);
    const refused = both.find((r) => r.status === 409);
    if (refused) expect(refused.json.error.code).toBe("CONFLICT");
    await settled(clockId);
    // And once more while it is advancing: refused, and nothing changes.
    const again = await call("POST", `test-clocks/${clockId}/advance`, { token: admin, body: { frozenTime: "2027-09-15T00:00:00Z" } });
    expect(again.status, again.text).toBe(202);
    const during = await call("POST", `test-clocks/${clockId}/advance`, { token: admin, body: { frozenTime: "2027-12-15T00:00:00Z" } });
    const end = await settled(clockId);
    expect(end.frozenTime).toBe(during.status === 409 ? "2027-09-15T00:00:00.000Z" : "2027-12-15T00:00:00.000Z");
    expect([202, 409]).toContain(during.status);

    const months = end.frozenTime.startsWith("2027-12") ? 11 : 8;
    const list = await invoicesOf(tenant);
    expect(list.map((i) => [i.periodStart, i.number, i.total.amount])).toEqual(
      Array.from({ length: months }, (_, n) => [`2027-${String(n + 1).padStart(2, "0")}-01T00:00:00.000Z`, `INV-2027-${String(n + 1).padStart(6, "0")}`, 1200]),
    );
    expect(list.slice(0, 2)).toEqual(first);
  });
});
