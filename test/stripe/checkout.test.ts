import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { adminToken, call, token } from "../helpers";
import { useFakeStripe, withoutStripe } from "./fake-stripe";

const urls = { successUrl: "https://app.example.com/ok?session={CHECKOUT_SESSION_ID}", cancelUrl: "https://app.example.com/cancel" };

async function storedCustomer(tenantId: string) {
  const row = await env.DB.prepare("SELECT stripe_customer_id FROM tenants WHERE id = ?").bind(tenantId).first<{ stripe_customer_id: string | null }>();
  return row?.stripe_customer_id ?? null;
}

describe("Stripe checkout and portal (seed 001)", () => {
  const stripe = useFakeStripe();

  it("answers 503 NOT_CONFIGURED without a secret key, and sends nothing to Stripe", async () => {
    const t = await token({ tenant: "co-off" });
    const res = await withoutStripe(() => call("POST", "stripe/checkout", { token: t, body: { planId: "pro", ...urls } }));
    expect(res.status).toBe(503);
    expect(res.json).toMatchObject({ success: false, error: { code: "NOT_CONFIGURED" } });
    expect(stripe.fake.calls).toEqual([]);
  });

  it("subscribes to one of our plans: the line item is priced from the plan, tenant and plan ride as metadata", async () => {
    const t = await token({ tenant: "co-plan" });
    const res = await call("POST", "stripe/checkout", { token: t, body: { planId: "pro", ...urls } });
    expect(res.status).toBe(200);
    expect(res.json.success).toBe(true);
    expect(res.json.data.sessionId).toMatch(/^cs_test_/);
    expect(res.json.data.url).toBe(`https://checkout.stripe.com/c/pay/${res.json.data.sessionId}`);

    const [customerCreate] = stripe.fake.callsTo("POST", "/v1/customers");
    expect(customerCreate!.idempotencyKey).toBe("tenant-customer:co-plan");
    expect(customerCreate!.params).toMatchObject({ name: "co-plan", "metadata[tenantId]": "co-plan" });
    const customerId = [...stripe.fake.customers.keys()][0]!;
    expect(await storedCustomer("co-plan")).toBe(customerId);

    const [session] = stripe.fake.callsTo("POST", "/v1/checkout/sessions");
    expect(session!.params).toEqual({
      mode: "subscription",
      customer: customerId,
      client_reference_id: "co-plan",
      "line_items[0][quantity]": "1",
      "line_items[0][price_data][currency]": "usd",
      "line_items[0][price_data][unit_amount]": "4900",
      "line_items[0][price_data][recurring][interval]": "month",
      "line_items[0][price_data][product_data][name]": "Pro",
      "line_items[0][price_data][product_data][metadata][planId]": "pro",
      success_url: urls.successUrl,
      cancel_url: urls.cancelUrl,
      "metadata[tenantId]": "co-plan",
      "metadata[planId]": "pro",
      "subscription_data[metadata][tenantId]": "co-plan",
      "subscription_data[metadata][planId]": "pro",
      "subscription_data[trial_period_days]": "14",
    });
  });

  it("passes a Stripe priceId through and reuses the tenant's customer", async () => {
    const t = await token({ tenant: "co-price" });
    await call("POST", "stripe/checkout", { token: t, body: { planId: "scale", ...urls } });
    const res = await call("POST", "stripe/checkout", { token: t, body: { priceId: "price_1PqR2sT3uV4wX5yZ", ...urls } });
    expect(res.status).toBe(200);
    expect(stripe.fake.callsTo("POST", "/v1/customers")).toHaveLength(1);
    const second = stripe.fake.callsTo("POST", "/v1/checkout/sessions")[1]!;
    expect(second.params).toMatchObject({
      "line_items[0][price]": "price_1PqR2sT3uV4wX5yZ",
      "line_items[0][quantity]": "1",
      "metadata[tenantId]": "co-price",
      customer: [...stripe.fake.customers.keys()][0],
    });
    expect(second.params["metadata[planId]"]).toBeUndefined();
    expect(second.params["subscription_data[trial_period_days]"]).toBeUndefined();
  });

  it("creates one customer when first calls race (idempotency key per tenant)", async () => {
    const t = await token({ tenant: "co-race" });
    const results = await Promise.all([1, 2, 3].map(() => call("POST", "stripe/checkout", { token: t, body: { priceId: "price_x", ...urls } })));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(stripe.fake.customers.size).toBe(1);
    const customerId = [...stripe.fake.customers.keys()][0]!;
    expect(await storedCustomer("co-race")).toBe(customerId);
    expect(stripe.fake.callsTo("POST", "/v1/checkout/sessions").every((c) => c.params.customer === customerId)).toBe(true);
  });

  it("validates the body and refuses unknown or retired plans", async () => {
    const t = await token({ tenant: "co-bad" });
    const both = await call("POST", "stripe/checkout", { token: t, body: { planId: "pro", priceId: "price_x", ...urls } });
    expect(both.status).toBe(400);
    expect(both.json.error.details.map((d: { path: string }) => d.path)).toContain("planId");
    expect((await call("POST", "stripe/checkout", { token: t, body: urls })).status).toBe(400);
    const badUrl = await call("POST", "stripe/checkout", { token: t, body: { planId: "pro", successUrl: "javascript:alert(1)", cancelUrl: urls.cancelUrl } });
    expect(badUrl.status).toBe(400);
    expect(badUrl.json.error.details[0].path).toBe("successUrl");
    expect((await call("POST", "stripe/checkout", { token: t, body: { planId: "pro", extra: 1, ...urls } })).status).toBe(400);
    expect((await call("POST", "stripe/checkout", { token: t, body: "{not json" })).status).toBe(400);

    const unknown = await call("POST", "stripe/checkout", { token: t, body: { planId: "nope", ...urls } });
    expect(unknown.status).toBe(404);
    const admin = await adminToken();
    await call("POST", "plans", { token: admin, body: { id: "co-retired", name: "Old", basePrice: 100, active: false } });
    const retired = await call("POST", "stripe/checkout", { token: t, body: { planId: "co-retired", ...urls } });
    expect(retired.status).toBe(409);
    expect(retired.json.error.code).toBe("INVALID_STATE");
    expect(stripe.fake.callsTo("POST", "/v1/checkout/sessions")).toHaveLength(0);
  });

  it("needs billing:update; only admins may act for another tenant", async () => {
    const reader = await token({ tenant: "co-auth", scope: "billing:read" });
    expect((await call("POST", "stripe/checkout", { token: reader, body: { planId: "pro", ...urls } })).status).toBe(403);
    expect((await call("POST", "stripe/checkout", { body: { planId: "pro", ...urls } })).status).toBe(401);
    const other = await token({ tenant: "co-auth" });
    expect((await call("POST", "stripe/checkout", { token: other, body: { tenantId: "co-victim", planId: "pro", ...urls } })).status).toBe(403);

    const admin = await adminToken();
    const res = await call("POST", "stripe/checkout", { token: admin, body: { tenantId: "co-managed", planId: "pro", ...urls } });
    expect(res.status).toBe(200);
    expect(stripe.fake.callsTo("POST", "/v1/checkout/sessions")[0]!.params["metadata[tenantId]"]).toBe("co-managed");
  });

  it("maps Stripe's answers: a bad price is the caller's 400, a rejected key is 502", async () => {
    const t = await token({ tenant: "co-errors" });
    await call("POST", "stripe/portal", { token: t, body: { returnUrl: "https://app.example.com" } }); // the customer exists now
    stripe.fake.failNext = {
      status: 400,
      body: { error: { type: "invalid_request_error", code: "resource_missing", param: "line_items[0][price]", message: "No such price: 'price_gone'" } },
    };
    const bad = await call("POST", "stripe/checkout", { token: t, body: { priceId: "price_gone", ...urls } });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatchObject({ code: "VALIDATION_ERROR", message: "No such price: 'price_gone'" });

    stripe.fake.failNext = { status: 401, body: { error: { type: "invalid_request_error", message: "Invalid API Key provided: sk_test_****" } } };
    const upstream = await call("POST", "stripe/checkout", { token: t, body: { priceId: "price_x", ...urls } });
    expect(upstream.status).toBe(502);
    expect(upstream.json.error.code).toBe("UPSTREAM_ERROR");
    expect(upstream.text).not.toContain("sk_test");
  });

  it("opens a customer portal session for the tenant's customer", async () => {
    const t = await token({ tenant: "co-portal" });
    const res = await call("POST", "stripe/portal", { token: t, body: { returnUrl: "https://app.example.com/settings" } });
    expect(res.status).toBe(200);
    expect(res.json.data.url).toMatch(/^https:\/\/billing\.stripe\.com\/p\/session\/bps_/);
    const [portal] = stripe.fake.callsTo("POST", "/v1/billing_portal/sessions");
    expect(portal!.params).toEqual({ customer: await storedCustomer("co-portal"), return_url: "https://app.example.com/settings" });
    expect((await call("POST", "stripe/portal", { token: t, body: {} })).status).toBe(400);
  });
});
