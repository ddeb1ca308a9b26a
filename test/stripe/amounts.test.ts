import fc from "fast-check";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ApiError } from "../../src/http/errors";
import { coversAmountDue, fromStripeAmount, toStripeAmount } from "../../src/stripe/amounts";
import { adminToken, call, token } from "../helpers";
import { insertInvoice, signed, stripeEvent, useFakeStripe } from "./fake-stripe";

describe("Stripe amount rules", () => {
  it("USD and JPY: ISO minor units are Stripe's", () => {
    expect([toStripeAmount(12345, "USD"), fromStripeAmount(12345, "usd")]).toEqual([12345, 12345]);
    expect([toStripeAmount(1200, "JPY"), fromStripeAmount(1200, "jpy")]).toEqual([1200, 1200]);
  });

  it("ISK: zero-decimal in ISO, two decimals at Stripe in whole krónur (× 100)", () => {
    expect(toStripeAmount(4900, "ISK")).toBe(490_000);
    expect(fromStripeAmount(490_000, "isk")).toBe(4900);
    expect(fromStripeAmount(490_050, "isk")).toBe(4900); // never more than was received
  });

  it("MGA: two decimals in ISO, zero-decimal at Stripe, to the nearest ariary, ties up", () => {
    expect(toStripeAmount(123_400, "MGA")).toBe(1234);
    expect(toStripeAmount(123_449, "MGA")).toBe(1234);
    expect(toStripeAmount(123_450, "MGA")).toBe(1235);
    expect(fromStripeAmount(1235, "mga")).toBe(123_500);
  });

  it("KWD: three decimals, the last one 0, to the nearest 10 fils, ties up", () => {
    expect(toStripeAmount(5124, "KWD")).toBe(5120);
    expect(toStripeAmount(5125, "KWD")).toBe(5130);
    expect(toStripeAmount(5126, "KWD")).toBe(5130);
    expect(toStripeAmount(12_340, "KWD")).toBe(12_340);
    expect(fromStripeAmount(5120, "kwd")).toBe(5120);
  });

  it("every converted amount obeys Stripe's rule and is the nearest one to ours (property)", () => {
    const cases: Array<[string, number, number]> = [
      // currency, Stripe step in our minor units, Stripe multiple
      ["USD", 1, 1],
      ["JPY", 1, 1],
      ["ISK", 1, 100],
      ["MGA", 100, 1],
      ["KWD", 10, 10],
      ["BHD", 10, 10],
      ["EUR", 1, 1],
    ];
    fc.assert(
      fc.property(fc.constantFrom(...cases), fc.integer({ min: 0, max: 1e12 }), ([currency, ourStep, multiple], amount) => {
        const sent = toStripeAmount(amount, currency);
        const back = fromStripeAmount(sent, currency);
        return sent % multiple === 0 && 2 * Math.abs(back - amount) <= ourStep && coversAmountDue(sent, amount, currency);
      }),
    );
  });

  it("refuses a currency Stripe does not take instead of guessing its decimals", () => {
    for (const code of ["IQD", "LYD", "CLF", "UYW", "UYI"]) {
      expect(() => toStripeAmount(1000, code), code).toThrow(ApiError);
    }
  });
});

describe("Stripe amounts end to end", () => {
  const stripe = useFakeStripe();

  it("a KWD invoice of 5.124 is charged 5.120 and that payment settles it", async () => {
    const invoice = await insertInvoice("amt-kwd", { currency: "KWD", subtotal: 5124, total: 5124, amountDue: 5124 });
    const t = await token({ tenant: "amt-kwd" });
    const res = await call("POST", `invoices/${invoice.id}/payment-intent`, { token: t });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.json.data).toMatchObject({ amount: 5120, currency: "KWD" });
    expect(stripe.fake.callsTo("POST", "/v1/payment_intents")[0]!.params).toMatchObject({ amount: "5120", currency: "kwd" });

    const paid = stripeEvent("payment_intent.succeeded", {
      id: res.json.data.paymentIntentId,
      object: "payment_intent",
      amount: 5120,
      amount_received: 5120,
      currency: "kwd",
      status: "succeeded",
      metadata: { invoiceId: invoice.id, tenantId: "amt-kwd" },
    });
    expect((await call("POST", "/api/v1/billing/stripe/webhook", await signed(paid))).status).toBe(200);
    const row = await env.DB.prepare("SELECT status FROM invoices WHERE id = ?").bind(invoice.id).first<{ status: string }>();
    expect(row!.status).toBe("paid");
  });

  it("an ISK invoice is charged in Stripe's two-decimal units; 10 krónur short does not settle it", async () => {
    const invoice = await insertInvoice("amt-isk", { currency: "ISK", subtotal: 4900, total: 4900, amountDue: 4900 });
    const t = await token({ tenant: "amt-isk" });
    const res = await call("POST", `invoices/${invoice.id}/payment-intent`, { token: t });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.json.data).toMatchObject({ amount: 4900, currency: "ISK" });
    expect(stripe.fake.callsTo("POST", "/v1/payment_intents")[0]!.params).toMatchObject({ amount: "490000", currency: "isk" });

    const payment = (received: number) =>
      stripeEvent("payment_intent.succeeded", {
        id: res.json.data.paymentIntentId,
        object: "payment_intent",
        amount: 490_000,
        amount_received: received,
        currency: "isk",
        status: "succeeded",
        metadata: { invoiceId: invoice.id, tenantId: "amt-isk" },
      });
    const status = async () => (await env.DB.prepare("SELECT status FROM invoices WHERE id = ?").bind(invoice.id).first<{ status: string }>())!.status;
    await call("POST", "/api/v1/billing/stripe/webhook", await signed(payment(489_000)));
    expect(await status()).toBe("open");
    await call("POST", "/api/v1/billing/stripe/webhook", await signed(payment(490_000)));
    expect(await status()).toBe("paid");
  });

  it("an intent made before the conversion (4900 for 4900 ISK, i.e. 49 krónur) is not reused", async () => {
    const old = {
      id: "pi_pre_conversion",
      object: "payment_intent",
      amount: 4900,
      amount_received: 0,
      currency: "isk",
      status: "requires_payment_method",
      client_secret: "pi_pre_conversion_secret_fake",
      metadata: {},
    };
    stripe.fake.paymentIntents.set(old.id, old);
    const invoice = await insertInvoice("amt-isk-old", { currency: "ISK", subtotal: 4900, total: 4900, amountDue: 4900, stripePaymentIntentId: old.id });
    const res = await call("POST", `invoices/${invoice.id}/payment-intent`, { token: await token({ tenant: "amt-isk-old" }) });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.json.data.paymentIntentId).not.toBe(old.id);
    const [create] = stripe.fake.callsTo("POST", "/v1/payment_intents");
    expect(create!.params).toMatchObject({ amount: "490000", currency: "isk" });
    expect(create!.idempotencyKey).toBe(`invoice-payment:${invoice.id}:after:${old.id}`);
  });

  it("checkout prices an MGA plan in whole ariary; an IQD invoice cannot be paid through Stripe (409)", async () => {
    const admin = await adminToken();
    const plan = await call("POST", "plans", { token: admin, body: { id: "amt-mga", name: "MGA plan", basePrice: 2_500_050, currency: "MGA" } });
    expect(plan.status, JSON.stringify(plan.json)).toBe(201);
    const t = await token({ tenant: "amt-mga" });
    const res = await call("POST", "stripe/checkout", {
      token: t,
      body: { planId: "amt-mga", successUrl: "https://app.example.com/ok", cancelUrl: "https://app.example.com/cancel" },
    });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(stripe.fake.callsTo("POST", "/v1/checkout/sessions")[0]!.params).toMatchObject({
      "line_items[0][price_data][currency]": "mga",
      "line_items[0][price_data][unit_amount]": "25001", // 25 000.50 MGA → 25 001 (tie up)
    });

    const iqd = await insertInvoice("amt-iqd", { currency: "IQD", subtotal: 5125, total: 5125, amountDue: 5125 });
    const refused = await call("POST", `invoices/${iqd.id}/payment-intent`, { token: await token({ tenant: "amt-iqd" }) });
    expect(refused.status).toBe(409);
    expect(refused.json.error).toMatchObject({ code: "INVALID_STATE", details: { currency: "IQD" } });
    expect(stripe.fake.callsTo("POST", "/v1/payment_intents")).toEqual([]);
  });
});
