import { describe, expect, it } from "vitest";
import { adminToken, call, token } from "../helpers";
import { useFakeStripe, withoutStripe } from "./fake-stripe";

const urls = { successUrl: "https://app.example.com/success", cancelUrl: "https://app.example.com/cancel" };

describe("checkout and portal for the caller's own tenant (seed 003)", () => {
  const stripe = useFakeStripe();

  it("POST /billing/checkout answers {url} for a Stripe price", async () => {
    const t = await token({ tenant: "s3-checkout" });
    const res = await call("POST", "/billing/checkout", { token: t, body: { priceId: "price_123", ...urls } });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ url: expect.stringMatching(/^https:\/\/checkout\.stripe\.com\/c\/pay\/cs_test_/) });
    const [session] = stripe.fake.callsTo("POST", "/v1/checkout/sessions");
    expect(session!.params).toMatchObject({
      mode: "subscription",
      "line_items[0][price]": "price_123",
      client_reference_id: "s3-checkout",
      success_url: urls.successUrl,
      cancel_url: urls.cancelUrl,
    });
  });

  it("accepts one of our plans by id instead of a price", async () => {
    const t = await token({ tenant: "s3-plan" });
    const res = await call("POST", "/billing/checkout", { token: t, body: { planId: "pro", ...urls } });
    expect(res.status).toBe(200);
    expect(stripe.fake.callsTo("POST", "/v1/checkout/sessions")[0]!.params["line_items[0][price_data][unit_amount]"]).toBe("4900");
  });

  it("acts on the token's tenant: an admin checks out its own tenant", async () => {
    const res = await call("POST", "/billing/checkout", { token: await adminToken(), body: { priceId: "price_123", ...urls } });
    expect(res.status).toBe(200);
    expect(stripe.fake.callsTo("POST", "/v1/checkout/sessions")[0]!.params.client_reference_id).toBe("platform");
  });

  it("POST /billing/portal answers {url}", async () => {
    const t = await token({ tenant: "s3-portal" });
    const res = await call("POST", "/billing/portal", { token: t, body: { returnUrl: "https://app.example.com/settings" } });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ url: expect.stringMatching(/^https:\/\/billing\.stripe\.com\//) });
    expect(stripe.fake.callsTo("POST", "/v1/billing_portal/sessions")[0]!.params.return_url).toBe("https://app.example.com/settings");
  });

  it("answers errors as {error, message, code}", async () => {
    const t = await token({ tenant: "s3-errors" });
    const invalid = await call("POST", "/billing/checkout", { token: t, body: { priceId: "price_123", successUrl: "nope", cancelUrl: urls.cancelUrl } });
    expect(invalid.status).toBe(400);
    expect(invalid.json).toMatchObject({ error: "Bad Request", code: "VALIDATION_ERROR", details: [{ path: "successUrl" }] });
    expect(invalid.json.message).toContain("successUrl");

    expect((await call("POST", "/billing/portal", { body: { returnUrl: urls.successUrl } })).json).toMatchObject({
      error: "Unauthorized",
      code: "UNAUTHORIZED",
    });
    const reader = await token({ tenant: "s3-errors", scope: "billing:read" });
    expect((await call("POST", "/billing/portal", { token: reader, body: { returnUrl: urls.successUrl } })).status).toBe(403);

    const off = await withoutStripe(() => call("POST", "/billing/checkout", { token: t, body: { priceId: "price_123", ...urls } }));
    expect(off.status).toBe(503);
    expect(off.json).toMatchObject({ error: "Service Unavailable", code: "NOT_CONFIGURED" });

    await call("POST", "/billing/portal", { token: t, body: { returnUrl: urls.successUrl } }); // the customer exists now
    stripe.fake.failNext = {
      status: 402,
      body: { error: { type: "card_error", code: "card_declined", decline_code: "generic_decline", message: "Your card was declined." } },
    };
    const declined = await call("POST", "/billing/portal", { token: t, body: { returnUrl: urls.successUrl } });
    expect(declined.status).toBe(402);
    expect(declined.json).toMatchObject({ error: "Payment Required", message: "Your card was declined.", code: "PAYMENT_REQUIRED" });
  });
});
