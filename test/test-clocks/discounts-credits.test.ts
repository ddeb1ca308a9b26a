import { describe, expect, it } from "vitest";
import { adminToken, call } from "../helpers";
import { advance, clockWith, createPlan, figures, getSubscription, invoice, invoicesOf, subscribe } from "./support";

describe("test clock: discounts and credits over time", () => {
  it("stops a repeating coupon after its months: the discount is on the first 3 invoices only", async () => {
    await createPlan({ id: "tc-dc-coupon", basePrice: 2500 });
    const admin = await adminToken();
    // 12.5 % of $25.00 = 312.5 ¢, rounded half-up once: 313 ¢ off, $21.87 to pay.
    const coupon = await call("POST", "coupons", { token: admin, body: { code: "TC-REPEAT-3", percentOff: 12.5, duration: "repeating", durationInMonths: 3 } });
    expect(coupon.status, coupon.text).toBe(201);
    const tenant = "tc-dc-coupon-t";
    const clockId = await clockWith("2027-02-01T00:00:00Z", [tenant]);
    const sub = await subscribe(tenant, { planId: "tc-dc-coupon", couponCode: "tc-repeat-3" });
    expect(sub.discounts).toMatchObject([{ couponId: coupon.json.data.id, percentOff: 12.5, duration: "repeating", durationInMonths: 3, remainingPeriods: 3 }]);

    await advance(clockId, "2027-07-02T00:00:00Z");
    const list = await invoicesOf(tenant);
    const discounted = { status: "open", subtotal: 2500, discounts: 313, total: 2187, creditsApplied: 0, amountDue: 2187 };
    const full = { status: "open", subtotal: 2500, discounts: 0, total: 2500, creditsApplied: 0, amountDue: 2500 };
    expect(list.map(figures)).toEqual(
      ["02", "03", "04", "05", "06"].map((m, n) => ({
        periodStart: `2027-${m}-01T00:00:00.000Z`,
        periodEnd: `2027-${String(Number(m) + 1).padStart(2, "0")}-01T00:00:00.000Z`,
        ...(n < 3 ? discounted : full),
      })),
    );
    const first = await invoice(list[0].id);
    expect(first.lines.filter((l: any) => l.kind === "discount").map((l: any) => l.amount.amount)).toEqual([-313]);
    const fourth = await invoice(list[3].id);
    expect(fourth.lines.filter((l: any) => l.kind === "discount")).toEqual([]);
    // Used up: the subscription no longer carries it (or carries it with nothing left).
    const after = await getSubscription(sub.id);
    expect(after.discounts.filter((d: any) => d.remainingPeriods !== 0)).toEqual([]);
  });

  it("uses a credit on the invoices before it expires, up to what remains, and not on the invoice after its expiry", async () => {
    await createPlan({ id: "tc-dc-credit", basePrice: 2000 });
    const tenant = "tc-dc-credit-t";
    const clockId = await clockWith("2027-08-01T00:00:00Z", [tenant]);
    const sub = await subscribe(tenant, { planId: "tc-dc-credit" });
    const admin = await adminToken();
    // $30.00 of credit, valid until Sep 15: it covers August's $20.00 (valid at Sep 1, the
    // period's end) and $10.00 of it is left; at Oct 1, September's end, it has expired.
    const grant = await call("POST", `subscriptions/${sub.id}/credits`, {
      token: admin,
      body: { amount: 3000, reason: "Goodwill", expiresAt: "2027-09-15T00:00:00Z" },
    });
    expect(grant.status, grant.text).toBe(201);
    expect(grant.json.data).toMatchObject({ tenantId: tenant, currency: "USD", balance: 3000 });
    // Granted at the tenant's (the clock's) time.
    expect(grant.json.data.movement).toMatchObject({
      kind: "grant",
      amount: 3000,
      expiresAt: "2027-09-15T00:00:00.000Z",
      createdAt: "2027-08-01T00:00:00.000Z",
    });

    const balance = async () => {
      const res = await call("GET", `tenants/${tenant}/credits`, { token: admin });
      expect(res.status, res.text).toBe(200);
      return res.json.data.balances.find((b: any) => b.currency === "USD")?.balance ?? 0;
    };

    await advance(clockId, "2027-09-02T00:00:00Z");
    const [august] = await invoicesOf(tenant);
    expect(figures(august)).toEqual({
      periodStart: "2027-08-01T00:00:00.000Z",
      periodEnd: "2027-09-01T00:00:00.000Z",
      status: "paid",
      subtotal: 2000,
      discounts: 0,
      total: 2000,
      creditsApplied: 2000,
      amountDue: 0,
    });
    expect(await balance()).toBe(1000);

    await advance(clockId, "2027-10-02T00:00:00Z");
    expect(await balance()).toBe(0);
    const list = await invoicesOf(tenant);
    expect(list).toHaveLength(2);
    expect(figures(list[1])).toEqual({
      periodStart: "2027-09-01T00:00:00.000Z",
      periodEnd: "2027-10-01T00:00:00.000Z",
      status: "open",
      subtotal: 2000,
      discounts: 0,
      total: 2000,
      creditsApplied: 0,
      amountDue: 2000,
    });
    const movements = await call("GET", `tenants/${tenant}/credits/movements`, { token: admin });
    expect(movements.status, movements.text).toBe(200);
    const consumed = movements.json.data.filter((m: any) => m.kind === "consumption");
    expect(consumed.map((m: any) => [m.amount, m.invoiceId])).toEqual([[-2000, august.id]]);
  });
});
