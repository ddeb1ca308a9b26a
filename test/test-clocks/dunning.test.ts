import { describe, expect, it } from "vitest";
import { call, token } from "../helpers";
import { signed, stripeEvent, useFakeStripe } from "../stripe/fake-stripe";
import { advance, clockWith, createPlan, figures, getSubscription, invoicesOf, subscribe } from "./support";

const WEBHOOK = "/api/v1/billing/stripe/webhook";

describe("test clock: a failed payment", () => {
  const stripe = useFakeStripe();

  it("puts the subscription past_due when the payment of an invoice the clock finalized fails, and a payment recovers it", async () => {
    await createPlan({ id: "tc-dun-plan", basePrice: 5000 });
    const tenant = "tc-dun-t";
    const clockId = await clockWith("2027-10-01T00:00:00Z", [tenant]);
    const sub = await subscribe(tenant, { planId: "tc-dun-plan" });
    await advance(clockId, "2027-11-02T00:00:00Z");
    const [inv] = await invoicesOf(tenant);
    expect(figures(inv)).toMatchObject({ periodStart: "2027-10-01T00:00:00.000Z", periodEnd: "2027-11-01T00:00:00.000Z", status: "open", amountDue: 5000 });

    const t = await token({ tenant });
    const intent = await call("POST", `invoices/${inv.id}/payment-intent`, { token: t });
    expect(intent.status, intent.text).toBe(200);
    expect(intent.json.data).toMatchObject({ amount: 5000, currency: "USD" });
    const intentId: string = intent.json.data.paymentIntentId;
    const sent = stripe.fake.paymentIntents.get(intentId)!;
    expect(sent).toMatchObject({ amount: 5000, currency: "usd", metadata: { invoiceId: inv.id, tenantId: tenant } });

    const failed = stripeEvent("payment_intent.payment_failed", {
      ...sent,
      status: "requires_payment_method",
      last_payment_error: { code: "card_declined", decline_code: "insufficient_funds" },
    });
    const res = await call("POST", WEBHOOK, await signed(failed));
    expect(res.status, res.text).toBe(200);
    expect(res.json.data).toEqual({ received: true });
    expect((await getSubscription(sub.id)).status).toBe("past_due");
    expect((await invoicesOf(tenant))[0].status).toBe("open");

    // The clock moves on: the subscription stays past_due and the next period is still billed.
    await advance(clockId, "2027-12-02T00:00:00Z");
    expect((await getSubscription(sub.id)).status).toBe("past_due");
    expect((await invoicesOf(tenant)).map((i) => [i.periodStart, i.status, i.amountDue.amount])).toEqual([
      ["2027-10-01T00:00:00.000Z", "open", 5000],
      ["2027-11-01T00:00:00.000Z", "open", 5000],
    ]);

    const paid = stripeEvent("payment_intent.succeeded", { ...sent, status: "succeeded", amount_received: 5000 });
    expect((await call("POST", WEBHOOK, await signed(paid))).status).toBe(200);
    expect((await invoicesOf(tenant))[0].status).toBe("paid");
    expect((await getSubscription(sub.id)).status).toBe("active");
  });

  /**
   * Stripe dates events on real time; a payment of a clock-bound tenant is dated on the clock,
   * so it is never paid before the invoice was issued and its events sort after invoice.finalized.
   */
  it("dates a payment of a clock-bound tenant's invoice on the clock, never before the invoice was issued", async () => {
    await createPlan({ id: "tc-dun-paid", basePrice: 2500 });
    const tenant = "tc-dun-paid-t";
    const clockId = await clockWith("2027-10-01T00:00:00Z", [tenant]);
    await subscribe(tenant, { planId: "tc-dun-paid" });
    await advance(clockId, "2027-11-02T00:00:00Z");
    const [inv] = await invoicesOf(tenant);
    const intent = await call("POST", `invoices/${inv.id}/payment-intent`, { token: await token({ tenant }) });
    expect(intent.status, intent.text).toBe(200);
    const sent = stripe.fake.paymentIntents.get(intent.json.data.paymentIntentId)!;
    expect(
      (await call("POST", WEBHOOK, await signed(stripeEvent("payment_intent.payment_failed", { ...sent, status: "requires_payment_method" })))).status,
    ).toBe(200);
    expect(
      (await call("POST", WEBHOOK, await signed(stripeEvent("payment_intent.succeeded", { ...sent, status: "succeeded", amount_received: 2500 })))).status,
    ).toBe(200);

    const [paid] = await invoicesOf(tenant);
    expect(paid.status).toBe("paid");
    expect(Date.parse(paid.paidAt)).toBeGreaterThanOrEqual(Date.parse(paid.finalizedAt));
    expect(paid.paidAt).toBe("2027-11-02T00:00:00.000Z");
    const events = await call("GET", `tenants/${tenant}/events?limit=200`, { token: await token({ tenant }) });
    const at = Object.fromEntries(events.json.data.filter((e: any) => e.type.startsWith("invoice.")).map((e: any) => [e.type, e.timestamp]));
    expect(at).toEqual({
      "invoice.created": "2027-11-01T00:00:00.000Z",
      "invoice.finalized": "2027-11-01T00:00:00.000Z",
      "invoice.payment_failed": "2027-11-02T00:00:00.000Z",
      "invoice.paid": "2027-11-02T00:00:00.000Z",
    });
  });
});
