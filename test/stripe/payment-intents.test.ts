import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { adminToken, call, token } from "../helpers";
import { insertInvoice, useFakeStripe, withoutStripe } from "./fake-stripe";

async function storedIntent(invoiceId: string) {
  const row = await env.DB.prepare("SELECT stripe_payment_intent_id FROM invoices WHERE id = ?")
    .bind(invoiceId)
    .first<{ stripe_payment_intent_id: string | null }>();
  return row?.stripe_payment_intent_id ?? null;
}

describe("payment intent for an invoice (seed 001)", () => {
  const stripe = useFakeStripe();

  it("charges exactly the amount due of an open invoice to the tenant's customer", async () => {
    const invoice = await insertInvoice("pi-happy", { currency: "EUR", total: 20000, creditsApplied: 1999, amountDue: 18001, number: "INV-2026-000007" });
    const t = await token({ tenant: "pi-happy" });
    const res = await call("POST", `invoices/${invoice.id}/payment-intent`, { token: t });
    expect(res.status).toBe(200);
    const intentId = res.json.data.paymentIntentId;
    expect(res.json).toEqual({
      success: true,
      data: { clientSecret: `${intentId}_secret_fake`, paymentIntentId: intentId, amount: 18001, currency: "EUR" },
    });

    const [create] = stripe.fake.callsTo("POST", "/v1/payment_intents");
    const customerId = [...stripe.fake.customers.keys()][0];
    expect(create!.params).toMatchObject({
      amount: "18001",
      currency: "eur",
      customer: customerId,
      "metadata[invoiceId]": invoice.id,
      "metadata[tenantId]": "pi-happy",
      "metadata[invoiceNumber]": "INV-2026-000007",
      "automatic_payment_methods[enabled]": "true",
    });
    expect(create!.idempotencyKey).toBe(`invoice-payment:${invoice.id}`);
    expect(await storedIntent(invoice.id)).toBe(intentId);
  });

  it("returns the same intent when asked again, and a new one only after it was canceled", async () => {
    const invoice = await insertInvoice("pi-retry");
    const t = await token({ tenant: "pi-retry" });
    const first = await call("POST", `invoices/${invoice.id}/payment-intent`, { token: t });
    const again = await call("POST", `invoices/${invoice.id}/payment-intent`, { token: t });
    expect(again.json.data).toEqual(first.json.data);
    expect(stripe.fake.paymentIntents.size).toBe(1);

    // A retry that lost our stored id still gets the first intent back (Stripe's idempotency key).
    await env.DB.prepare("UPDATE invoices SET stripe_payment_intent_id = NULL WHERE id = ?").bind(invoice.id).run();
    const lost = await call("POST", `invoices/${invoice.id}/payment-intent`, { token: t });
    expect(lost.json.data.paymentIntentId).toBe(first.json.data.paymentIntentId);
    expect(stripe.fake.paymentIntents.size).toBe(1);

    stripe.fake.paymentIntents.get(first.json.data.paymentIntentId)!.status = "canceled";
    const replaced = await call("POST", `invoices/${invoice.id}/payment-intent`, { token: t });
    expect(replaced.status).toBe(200);
    expect(replaced.json.data.paymentIntentId).not.toBe(first.json.data.paymentIntentId);
    expect(replaced.json.data.amount).toBe(12345);
    expect(stripe.fake.callsTo("POST", "/v1/payment_intents").at(-1)!.idempotencyKey).toBe(
      `invoice-payment:${invoice.id}:after:${first.json.data.paymentIntentId}`,
    );
    expect(await storedIntent(invoice.id)).toBe(replaced.json.data.paymentIntentId);
  });

  it("refuses drafts, paid and void invoices and invoices with nothing due (409)", async () => {
    const t = await token({ tenant: "pi-state" });
    for (const fields of [
      { status: "draft" as const, number: null, finalizedAt: null },
      { status: "paid" as const, paidAt: Date.UTC(2026, 1, 2) },
      { status: "void" as const, voidedAt: Date.UTC(2026, 1, 2) },
      { status: "open" as const, creditsApplied: 12345, amountDue: 0 },
    ]) {
      const invoice = await insertInvoice("pi-state", fields);
      const res = await call("POST", `invoices/${invoice.id}/payment-intent`, { token: t });
      expect(res.status, fields.status).toBe(409);
      expect(res.json.error.code).toBe("INVALID_STATE");
    }
    expect(stripe.fake.calls).toEqual([]);
  });

  it("answers 404 for another tenant's invoice and for an unknown one; admins may pay any", async () => {
    const invoice = await insertInvoice("pi-owner");
    const intruder = await token({ tenant: "pi-intruder" });
    const res = await call("POST", `invoices/${invoice.id}/payment-intent`, { token: intruder });
    expect(res.status).toBe(404);
    expect(res.json.error.code).toBe("NOT_FOUND");
    expect((await call("POST", "invoices/inv_missing/payment-intent", { token: intruder })).status).toBe(404);
    expect(stripe.fake.calls).toEqual([]);

    const reader = await token({ tenant: "pi-owner", scope: "billing:read" });
    expect((await call("POST", `invoices/${invoice.id}/payment-intent`, { token: reader })).status).toBe(403);

    const admin = await call("POST", `invoices/${invoice.id}/payment-intent`, { token: await adminToken() });
    expect(admin.status).toBe(200);
    expect(stripe.fake.callsTo("POST", "/v1/payment_intents")[0]!.params["metadata[tenantId]"]).toBe("pi-owner");
  });

  it("works on an invoice finalized through the API", async () => {
    const draft = await insertInvoice("pi-final", { status: "draft", number: null, finalizedAt: null, dueAt: null, amountDue: 0, total: 4900, subtotal: 4900 });
    const t = await token({ tenant: "pi-final" });
    const finalized = await call("POST", `invoices/${draft.id}/finalize`, { token: t });
    expect(finalized.json.data).toMatchObject({ status: "open", amountDue: { amount: 4900, currency: "USD" } });
    const res = await call("POST", `invoices/${draft.id}/payment-intent`, { token: t });
    expect(res.json.data).toMatchObject({ amount: 4900, currency: "USD" });
    expect(stripe.fake.callsTo("POST", "/v1/payment_intents")[0]!.params).toMatchObject({ amount: "4900", currency: "usd" });
  });

  it("answers 503 when Stripe is not configured", async () => {
    const invoice = await insertInvoice("pi-off");
    const t = await token({ tenant: "pi-off" });
    const res = await withoutStripe(() => call("POST", `invoices/${invoice.id}/payment-intent`, { token: t }));
    expect(res.status).toBe(503);
    expect(res.json.error.code).toBe("NOT_CONFIGURED");
  });
});
