import { describe, expect, it } from "vitest";
import { adminToken, call } from "../helpers";
import { advance, clockWith, createPlan, figures, invoice, invoicesOf, subscribe, until, usage } from "./support";

const MINUTE = 60_000;

describe("test clock: usage at the clock's time", () => {
  it("records usage without a timestamp in the clock's current period (it is on the next invoice) and refuses one more than 5 minutes after the clock", async () => {
    // $10.00 a month, 2 ¢ a call.
    await createPlan({ id: "tc-use-plan", basePrice: 1000, meters: [{ metric: "apiCalls", price: { model: "per_unit", unitPrice: "2" } }] });
    const tenant = "tc-use-t";
    const admin = await adminToken();
    const clockTime = Date.parse("2027-03-10T12:00:00Z");
    const clockId = await clockWith("2027-03-10T12:00:00Z", [tenant]);
    await subscribe(tenant, { planId: "tc-use-plan" });

    const plain = await usage(tenant, { eventId: "no-ts", metric: "apiCalls", quantity: 3 });
    expect(plain.status, plain.text).toBe(200);
    expect(plain.json.data).toMatchObject({
      status: "accepted",
      total: { quantity: "3", periodStart: "2027-03-10T12:00:00.000Z", periodEnd: "2027-04-10T12:00:00.000Z" },
    });
    // Up to 5 minutes after the clock is fine, beyond is refused, naming the field.
    expect(
      (await usage(tenant, { eventId: "ts-4min", metric: "apiCalls", quantity: 1, timestamp: new Date(clockTime + 4 * MINUTE).toISOString() })).status,
    ).toBe(200);
    const ahead = await usage(tenant, { eventId: "ts-6min", metric: "apiCalls", quantity: 100, timestamp: new Date(clockTime + 6 * MINUTE).toISOString() });
    expect(ahead.status, ahead.text).toBe(400);
    expect(ahead.json.error.code).toBe("VALIDATION_ERROR");
    expect(ahead.json.error.details).toMatchObject([{ path: "timestamp", code: "too_far_in_future" }]);
    // The real time is months before the clock: more than the 35-day backdating window.
    const real = await usage(tenant, { eventId: "ts-real", metric: "apiCalls", quantity: 100, timestamp: new Date().toISOString() });
    expect(real.status, real.text).toBe(400);
    expect(real.json.error.details).toMatchObject([{ path: "timestamp", code: "too_old" }]);
    // In a batch, every event is checked against the clock too (and nothing is enqueued).
    const badBatch = await call("POST", `tenants/${tenant}/usage/batch`, {
      token: admin,
      body: {
        events: [
          { eventId: "b-ok", metric: "apiCalls", quantity: 1 },
          { eventId: "b-ahead", metric: "apiCalls", quantity: 1, timestamp: clockTime + 6 * MINUTE },
        ],
      },
    });
    expect(badBatch.status, badBatch.text).toBe(400);
    expect(badBatch.json.error.details.map((d: any) => d.path)).toEqual(["events.1.timestamp"]);
    // A batch without timestamps is stamped with the clock's time as well.
    const batch = await call("POST", `tenants/${tenant}/usage/batch`, {
      token: admin,
      body: {
        events: [
          { eventId: "b1", metric: "apiCalls", quantity: 10 },
          { eventId: "b2", metric: "apiCalls", quantity: 20 },
        ],
      },
    });
    expect(batch.status, batch.text).toBe(202);
    const summary = await until(
      () => call("GET", `tenants/${tenant}/usage/summary`, { token: admin }),
      (r) => r.json.data.items[0]?.quantity === "34",
      10_000,
    );
    expect(summary.json.data).toMatchObject({ from: "2027-03-10T12:00:00.000Z", to: "2027-04-10T12:00:00.000Z" });
    expect(summary.json.data.items.map((i: any) => [i.metric, i.quantity, i.events])).toEqual([["apiCalls", "34", 4]]);
    const byHour = await call("GET", `tenants/${tenant}/usage/summary?groupBy=hour`, { token: admin });
    expect(byHour.json.data.items.map((i: any) => [i.key, i.quantity])).toEqual([["2027-03-10T12:00:00.000Z", "34"]]);

    // After the period close, usage without a timestamp lands in the new period.
    await advance(clockId, "2027-04-10T12:30:00Z");
    const next = await usage(tenant, { eventId: "april", metric: "apiCalls", quantity: 5 });
    expect(next.json.data.total).toMatchObject({ quantity: "5", periodStart: "2027-04-10T12:00:00.000Z" });
    await advance(clockId, "2027-05-11T00:00:00Z");

    const list = await invoicesOf(tenant);
    // March: $10.00 + 34 calls × 2 ¢; April: $10.00 + 5 calls × 2 ¢.
    expect(list.map(figures)).toEqual([
      {
        periodStart: "2027-03-10T12:00:00.000Z",
        periodEnd: "2027-04-10T12:00:00.000Z",
        status: "open",
        subtotal: 1068,
        discounts: 0,
        total: 1068,
        creditsApplied: 0,
        amountDue: 1068,
      },
      {
        periodStart: "2027-04-10T12:00:00.000Z",
        periodEnd: "2027-05-10T12:00:00.000Z",
        status: "open",
        subtotal: 1010,
        discounts: 0,
        total: 1010,
        creditsApplied: 0,
        amountDue: 1010,
      },
    ]);
    const march = await invoice(list[0].id);
    expect(march.lines.filter((l: any) => l.kind === "usage").map((l: any) => [l.meter, l.quantity, l.amount.amount])).toEqual([["apiCalls", "34", 68]]);
  });
});
