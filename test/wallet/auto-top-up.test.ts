import { describe, expect, it } from "vitest";
import { adminToken, call, token } from "../helpers";
import { signed, stripeEvent, useFakeStripe } from "../stripe/fake-stripe";
import { createPlan, subscribe, until } from "../test-clocks/support";

/** Auto top-up: the debit that crosses the threshold charges off-session; the credit comes with Stripe's webhook. */

const WEBHOOK = "/api/v1/billing/stripe/webhook";

describe("wallet auto top-up", () => {
  const stripe = useFakeStripe();

  async function tenantWithCard(tenant: string) {
    await createPlan({ id: `${tenant}-plan`, basePrice: 0, meters: [{ metric: "calls", price: { model: "per_unit", unitPrice: "1" } }] });
    await subscribe(tenant, { planId: `${tenant}-plan`, trial: false });
    const card = stripe.fake.addPaymentMethod("card");
    const attached = await call("POST", `/organizations/${tenant}/payment_methods/create_and_attach`, {
      token: await token({ tenant }),
      body: { payment_method_id: card },
    });
    expect(attached.status, attached.text).toBe(201);
    const g = await call("POST", `tenants/${tenant}/wallet/grants`, {
      token: await adminToken(),
      body: { grantId: "start", amount: 1000, currency: "USD", reason: "prepaid" },
    });
    expect(g.status, g.text).toBe(201);
    const auto = await call("PUT", `tenants/${tenant}/wallet/auto-top-up`, {
      token: await token({ tenant }),
      body: { threshold: 500, amount: 2000, maxPerMonth: 2 },
    });
    expect(auto.status, auto.text).toBe(200);
    expect(auto.json.data.autoTopUp).toEqual({ threshold: 500, amount: 2000, maxPerMonth: 2, active: true, failure: null });
  }
  const record = async (tenant: string, eventId: string, quantity: number) =>
    call("POST", `tenants/${tenant}/usage`, { token: await adminToken(), body: { eventId, metric: "calls", quantity } });
  // Distinct charges: a retried charge carries the same idempotency key, so Stripe makes it once.
  const charges = () => [...new Map(stripe.fake.callsTo("POST", "/v1/payment_intents").map((c) => [c.idempotencyKey, c])).values()];
  const wallet = async (tenant: string) => (await call("GET", `tenants/${tenant}/wallet`, { token: await adminToken() })).json.data;
  const events = async (tenant: string, type: string) =>
    (await call("GET", `tenants/${tenant}/events?type=${type}`, { token: await token({ tenant, scope: "billing:read" }) })).json.data ?? [];
  const succeed = async (intentId: string) => {
    const intent = stripe.fake.paymentIntents.get(intentId)!;
    return call("POST", WEBHOOK, await signed(stripeEvent("payment_intent.succeeded", intent)));
  };

  it("one charge per crossing; the grant only after the payment webhook; at most maxPerMonth", async () => {
    const tenant = "atu-ok";
    await tenantWithCard(tenant);
    expect((await record(tenant, "a1", 400)).status).toBe(200); // 600 left
    expect(charges()).toHaveLength(0);
    expect((await record(tenant, "a2", 200)).status).toBe(200); // 400: under 500
    expect((await record(tenant, "a3", 50)).status).toBe(200); // still under: no second charge
    const [first] = await until(
      async () => charges(),
      (c) => c.length > 0,
    );
    expect(first!.params).toMatchObject({ amount: "2000", currency: "usd", off_session: "true", confirm: "true", "metadata[topUpAmount]": "2000" });
    expect(charges()).toHaveLength(1);
    // Charged, not yet granted.
    expect((await wallet(tenant)).balances[0].available).toBe(350);
    const intentId = [...stripe.fake.paymentIntents.keys()][0]!;
    expect((await succeed(intentId)).status).toBe(200);
    expect((await succeed(intentId)).status).toBe(200); // a replay grants nothing more
    const w = await wallet(tenant);
    expect(w.balances[0].available).toBe(2350);
    expect(w.grants.filter((g: any) => g.source === "top_up")).toMatchObject([{ amount: 2000, remaining: 2000 }]);

    expect((await record(tenant, "a4", 2000)).status).toBe(200); // 350 left: the second top-up
    await until(
      async () => charges(),
      (c) => c.length > 1,
    );
    expect((await succeed([...stripe.fake.paymentIntents.keys()][1]!)).status).toBe(200);
    expect((await wallet(tenant)).balances[0].available).toBe(2350);
    expect((await record(tenant, "a5", 2000)).status).toBe(200); // crossing again: the month's two are used
    await new Promise((r) => setTimeout(r, 300));
    expect(charges()).toHaveLength(2);
  });

  it("a failed charge emits an event and stops auto top-up until it is saved again", async () => {
    const tenant = "atu-fail";
    await tenantWithCard(tenant);
    stripe.fake.failNextAt = {
      method: "POST",
      path: "/v1/payment_intents",
      status: 402,
      body: { error: { type: "card_error", code: "card_declined", decline_code: "insufficient_funds", message: "Your card was declined." } },
    };
    expect((await record(tenant, "f1", 600)).status).toBe(200);
    const stopped = await until(
      () => wallet(tenant),
      (w) => w.autoTopUp.active === false,
    );
    expect(stopped.autoTopUp).toMatchObject({ active: false, failure: "Your card was declined." });
    const failed = await until(
      () => events(tenant, "credits.top_up.failed"),
      (e) => e.length > 0,
    );
    expect(failed[0]).toMatchObject({ type: "credits.top_up.failed" });
    expect(stopped.balances[0].available).toBe(400);
    expect(stopped.grants.filter((g: any) => g.source === "top_up")).toEqual([]);
    expect(charges()).toHaveLength(1);
    expect(stripe.fake.paymentIntents.size).toBe(0);

    // Saving the settings again turns it back on: the next crossing charges.
    const again = await call("PUT", `tenants/${tenant}/wallet/auto-top-up`, {
      token: await token({ tenant }),
      body: { threshold: 500, amount: 2000, maxPerMonth: 2 },
    });
    expect(again.json.data.autoTopUp.active).toBe(true);
    const g = await call("POST", `tenants/${tenant}/wallet/grants`, {
      token: await adminToken(),
      body: { grantId: "more", amount: 200, currency: "USD", reason: "r" },
    });
    expect(g.status).toBe(201);
    expect((await record(tenant, "f2", 150)).status).toBe(200); // 600 → 450
    await until(
      async () => charges(),
      (c) => c.length > 1,
    );
    expect(charges()).toHaveLength(2);
  });
});
