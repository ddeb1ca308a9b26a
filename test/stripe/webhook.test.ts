import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { buildApp, type App } from "../../src/app";
import { stripeHandlers } from "../../src/wiring/stripe-events";
import { call, token } from "../helpers";
import { insertInvoice, signed, stripeEvent, useFakeStripe, withoutStripe } from "./fake-stripe";

const WEBHOOK = "/api/v1/billing/stripe/webhook";

async function invoiceRow(id: string) {
  return env.DB.prepare("SELECT status, paid_at, stripe_payment_intent_id FROM invoices WHERE id = ?")
    .bind(id)
    .first<{ status: string; paid_at: number | null; stripe_payment_intent_id: string | null }>();
}

async function eventRow(id: string) {
  return env.DB.prepare("SELECT type, object_id, tenant_id, outcome, attempts, last_error, processed_at FROM stripe_events WHERE id = ?").bind(id).first<{
    type: string;
    object_id: string | null;
    tenant_id: string | null;
    outcome: string | null;
    attempts: number;
    last_error: string | null;
    processed_at: number | null;
  }>();
}

const succeeded = (invoiceId: string, tenantId: string, fields: Record<string, unknown> = {}) => ({
  id: `pi_${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`,
  object: "payment_intent",
  amount: 12345,
  amount_received: 12345,
  currency: "usd",
  status: "succeeded",
  metadata: { invoiceId, tenantId },
  ...fields,
});

async function deliver(event: object, path = WEBHOOK, app?: App) {
  return call("POST", path, { ...(await signed(event)), app });
}

describe("Stripe webhook", () => {
  useFakeStripe();

  it("rejects a missing or wrong signature, a tampered body and a stale timestamp with 400", async () => {
    const event = stripeEvent("payment_intent.succeeded", succeeded("inv_x", "wh-sig"));
    const missing = await call("POST", WEBHOOK, { body: JSON.stringify(event) });
    expect(missing.status).toBe(400);
    expect(missing.json.error).toMatchObject({ code: "VALIDATION_ERROR", message: "Missing Stripe-Signature header" });

    const wrongSecret = await call("POST", WEBHOOK, await signed(event, "whsec_someone_else"));
    expect(wrongSecret.status).toBe(400);
    expect(wrongSecret.json.error.message).toBe("Invalid Stripe signature");

    const good = await signed(event);
    const tampered = await call("POST", WEBHOOK, { ...good, body: good.body.replace("12345", "99999") });
    expect(tampered.status).toBe(400);

    const stale = await call("POST", WEBHOOK, await signed(event, undefined, Math.floor(Date.now() / 1000) - 600));
    expect(stale.status).toBe(400);
    expect(await eventRow(event.id)).toBeNull();
  });

  it("answers 503 without a webhook secret", async () => {
    const res = await withoutStripe(async () => deliver(stripeEvent("customer.created", { id: "cus_1", object: "customer" })));
    expect(res.status).toBe(503);
    expect(res.json.error.code).toBe("NOT_CONFIGURED");
  });

  it("marks the invoice paid on payment_intent.succeeded, once: a replay changes nothing", async () => {
    const invoice = await insertInvoice("wh-paid");
    const created = Math.floor(Date.UTC(2026, 1, 3, 12) / 1000);
    const intent = succeeded(invoice.id, "wh-paid");
    const event = stripeEvent("payment_intent.succeeded", intent, { created });

    const res = await deliver(event);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ success: true, data: { received: true } });
    expect(await invoiceRow(invoice.id)).toEqual({ status: "paid", paid_at: created * 1000, stripe_payment_intent_id: intent.id });
    expect(await eventRow(event.id)).toMatchObject({
      type: "payment_intent.succeeded",
      object_id: intent.id,
      tenant_id: "wh-paid",
      outcome: "handled",
      attempts: 1,
    });

    const replay = await deliver({ ...event });
    expect(replay.status).toBe(200);
    expect(replay.json.data).toEqual({ received: true, duplicate: true });
    // The seed 003 endpoint shares the handler and the record of what was processed.
    const viaSeed003 = await deliver(event, "/billing/webhook");
    expect(viaSeed003.json).toEqual({ received: true, duplicate: true });
    expect((await eventRow(event.id))!.attempts).toBe(1);
    expect((await invoiceRow(invoice.id))!.paid_at).toBe(created * 1000);
  });

  it("does not settle an invoice with a short payment, another currency or another tenant's metadata", async () => {
    const invoice = await insertInvoice("wh-short");
    for (const fields of [
      { amount: 12344, amount_received: 12344 },
      { currency: "eur" },
      { metadata: { invoiceId: invoice.id, tenantId: "wh-someone-else" } },
    ]) {
      const res = await deliver(stripeEvent("payment_intent.succeeded", succeeded(invoice.id, "wh-short", fields)));
      expect(res.status).toBe(200);
    }
    expect((await invoiceRow(invoice.id))!.status).toBe("open");
  });

  it("settles on invoice.paid carrying our invoice id", async () => {
    const invoice = await insertInvoice("wh-inv", { currency: "JPY", amountDue: 5000, total: 5000, subtotal: 5000 });
    const res = await deliver(
      stripeEvent("invoice.paid", {
        id: "in_1",
        object: "invoice",
        amount_paid: 5000,
        currency: "jpy",
        metadata: { invoiceId: invoice.id, tenantId: "wh-inv" },
      }),
    );
    expect(res.status).toBe(200);
    expect((await invoiceRow(invoice.id))!.status).toBe("paid");
  });

  it("links the customer to the tenant on checkout.session.completed", async () => {
    const t = await call("GET", "tenants/wh-checkout", { token: await token({ tenant: "wh-checkout" }) });
    expect(t.json.data.stripeCustomerId).toBeNull();
    const session = {
      id: "cs_test_1",
      object: "checkout.session",
      client_reference_id: "wh-checkout",
      customer: "cus_fromcheckout",
      metadata: { tenantId: "wh-checkout" },
    };
    expect((await deliver(stripeEvent("checkout.session.completed", session))).status).toBe(200);
    const row = await env.DB.prepare("SELECT stripe_customer_id FROM tenants WHERE id = 'wh-checkout'").first<{ stripe_customer_id: string }>();
    expect(row!.stripe_customer_id).toBe("cus_fromcheckout");

    // A later session never replaces the customer the tenant already has.
    await deliver(stripeEvent("checkout.session.completed", { ...session, id: "cs_test_2", customer: "cus_other" }));
    const after = await env.DB.prepare("SELECT stripe_customer_id FROM tenants WHERE id = 'wh-checkout'").first<{ stripe_customer_id: string }>();
    expect(after!.stripe_customer_id).toBe("cus_fromcheckout");
  });

  it("records a failed payment and leaves the invoice open", async () => {
    const invoice = await insertInvoice("wh-failed");
    const intent = succeeded(invoice.id, "wh-failed", {
      status: "requires_payment_method",
      amount_received: 0,
      last_payment_error: { code: "card_declined", decline_code: "insufficient_funds" },
    });
    const event = stripeEvent("payment_intent.payment_failed", intent);
    const res = await deliver(event);
    expect(res.json.data).toEqual({ received: true });
    expect(await eventRow(event.id)).toMatchObject({ type: "payment_intent.payment_failed", tenant_id: "wh-failed", outcome: "handled" });
    expect((await invoiceRow(invoice.id))!.status).toBe("open");
  });

  it("puts the invoice's subscription past_due on a failed payment and recovers it when paid", async () => {
    const tenant = "wh-dunning";
    const t = await token({ tenant });
    const created = await call("POST", `tenants/${tenant}/subscriptions`, { token: t, body: { planId: "pro", trial: false } });
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    const subscriptionId = created.json.data.id;
    const invoice = await insertInvoice(tenant, { subscriptionId });
    const status = async () => (await call("GET", `subscriptions/${subscriptionId}`, { token: t })).json.data.status;

    const failed = succeeded(invoice.id, tenant, { status: "requires_payment_method", amount_received: 0 });
    expect((await deliver(stripeEvent("payment_intent.payment_failed", failed))).status).toBe(200);
    expect(await status()).toBe("past_due");
    // A second failure (another attempt) changes nothing more.
    expect((await deliver(stripeEvent("payment_intent.payment_failed", failed))).status).toBe(200);
    expect(await status()).toBe("past_due");

    const paid = await deliver(
      stripeEvent("payment_intent.succeeded", succeeded(invoice.id, tenant, { amount: invoice.amountDue, amount_received: invoice.amountDue })),
    );
    expect(paid.status, JSON.stringify(paid.json)).toBe(200);
    expect((await invoiceRow(invoice.id))!.status).toBe("paid");
    expect(await status()).toBe("active");
  });

  it("acknowledges event types it does not handle", async () => {
    const event = stripeEvent("customer.subscription.trial_will_end", { id: "sub_1", object: "subscription", metadata: {} });
    const res = await deliver(event, "/billing/webhook");
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ received: true, ignored: true });
    expect((await eventRow(event.id))!.outcome).toBe("ignored");
  });

  it("answers 500 when a handler fails, so Stripe retries, and processes the redelivery", async () => {
    let failures = 1;
    const calls: string[] = [];
    const app = buildApp({
      stripeHandlers: {
        ...stripeHandlers,
        "customer.updated": [
          async (event) => {
            calls.push(event.id);
            if (failures-- > 0) throw new Error("database unavailable");
          },
        ],
      },
    });
    const event = stripeEvent("customer.updated", { id: "cus_h", object: "customer", metadata: {} });
    const failed = await deliver(event, WEBHOOK, app);
    expect(failed.status).toBe(500);
    expect(failed.json.error.code).toBe("INTERNAL");
    expect(failed.text).not.toContain("database unavailable");
    expect(await eventRow(event.id)).toMatchObject({ processed_at: null, attempts: 1, last_error: "database unavailable" });

    const seed003 = await deliver({ ...event, id: `${event.id}_b` }, "/billing/webhook", app);
    expect(seed003.status).toBe(200); // the handler's one failure is used up

    const retried = await deliver(event, WEBHOOK, app);
    expect(retried.status).toBe(200);
    expect(retried.json.data).toEqual({ received: true });
    expect(await eventRow(event.id)).toMatchObject({ outcome: "handled", attempts: 2, last_error: null });
    expect(calls).toEqual([event.id, `${event.id}_b`, event.id]);
  });

  it("answers 409 while another delivery of the same event is still running", async () => {
    const event = stripeEvent("customer.created", { id: "cus_busy", object: "customer" });
    await env.DB.prepare("INSERT INTO stripe_events (id, type, event_created_at, received_at, claimed_until, attempts) VALUES (?, ?, 0, 0, ?, 1)")
      .bind(event.id, event.type, Date.now() + 30_000)
      .run();
    const res = await deliver(event);
    expect(res.status).toBe(409);
    expect(res.json.error.code).toBe("CONFLICT");
    await env.DB.prepare("UPDATE stripe_events SET claimed_until = ? WHERE id = ?")
      .bind(Date.now() - 1, event.id)
      .run();
    expect((await deliver(event)).status).toBe(200); // an expired claim (a crashed delivery) is taken over
  });

  it("answers seed 003's error shape on /billing/webhook", async () => {
    const res = await call("POST", "/billing/webhook", { body: "{}" });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ error: "Bad Request", message: "Missing Stripe-Signature header", code: "VALIDATION_ERROR" });
  });
});
