import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { adminToken, call, token } from "../helpers";
import { useFakeStripe, withoutStripe } from "./fake-stripe";

const base = (org: string) => `/organizations/${org}/payment_methods`;

describe("payment methods (seed 002)", () => {
  const stripe = useFakeStripe();

  it("lists nothing (and creates no customer) before the organization has one", async () => {
    const t = await token({ tenant: "pm-empty", scope: "billing:read" });
    const res = await call("GET", base("pm-empty"), { token: t });
    expect(res.status).toBe(200);
    expect(res.json).toEqual([]);
    expect(stripe.fake.calls).toEqual([]);
  });

  it("attaches, lists with the default marked, switches the default and removes", async () => {
    const t = await token({ tenant: "pm-org" });
    const visa = stripe.fake.addPaymentMethod("card", { brand: "visa", last4: "4242", exp_month: 4, exp_year: 2031 });
    const sepa = stripe.fake.addPaymentMethod("sepa_debit", { country: "DE", last4: "3000" });

    const first = await call("POST", `${base("pm-org")}/create_and_attach`, { token: t, body: { payment_method_id: visa } });
    expect(first.status).toBe(201);
    expect(first.json).toEqual({ id: visa, payment_type: "card", default: true, brand: "visa", last4: "4242", exp_month: 4, exp_year: 2031, iban: null });
    const customerId = [...stripe.fake.customers.keys()][0]!;
    expect(stripe.fake.callsTo("POST", `/v1/payment_methods/${visa}/attach`)[0]!.params).toEqual({ customer: customerId });
    expect(stripe.fake.customers.get(customerId)!.invoice_settings.default_payment_method).toBe(visa);

    const second = await call("POST", `${base("pm-org")}/create_and_attach`, { token: t, body: { payment_method_id: sepa } });
    expect(second.json).toEqual({
      id: sepa,
      payment_type: "sepa_debit",
      default: false,
      brand: null,
      last4: "3000",
      exp_month: null,
      exp_year: null,
      iban: "DE****3000",
    });

    const list = await call("GET", base("pm-org"), { token: t });
    expect(list.status).toBe(200);
    expect(list.json.map((m: { id: string; default: boolean }) => [m.id, m.default])).toEqual([
      [sepa, false],
      [visa, true],
    ]);

    const switched = await call("PUT", `${base("pm-org")}/${sepa}/set_default`, { token: t });
    expect(switched.status).toBe(200);
    expect(switched.json).toMatchObject({ id: sepa, default: true });
    expect(stripe.fake.callsTo("POST", `/v1/customers/${customerId}`).at(-1)!.params).toEqual({ "invoice_settings[default_payment_method]": sepa });
    const after = await call("GET", base("pm-org"), { token: t });
    expect(after.json.find((m: { id: string }) => m.id === sepa).default).toBe(true);
    expect(after.json.find((m: { id: string }) => m.id === visa).default).toBe(false);

    const removed = await call("DELETE", `${base("pm-org")}/${visa}`, { token: t });
    expect(removed.status).toBe(200);
    expect(removed.json).toEqual({ id: visa, deleted: true });
    expect(stripe.fake.callsTo("POST", `/v1/payment_methods/${visa}/detach`)).toHaveLength(1);
    expect((await call("GET", base("pm-org"), { token: t })).json.map((m: { id: string }) => m.id)).toEqual([sepa]);
  });

  it("answers 404 for a method that is not this organization's, and never touches it", async () => {
    const owner = await token({ tenant: "pm-owner" });
    const pm = stripe.fake.addPaymentMethod();
    await call("POST", `${base("pm-owner")}/create_and_attach`, { token: owner, body: { payment_method_id: pm } });

    const other = await token({ tenant: "pm-other" });
    await call("POST", `${base("pm-other")}/payment_intent`, { token: other }); // pm-other has a customer too
    for (const [method, path] of [
      ["PUT", `${base("pm-other")}/${pm}/set_default`],
      ["DELETE", `${base("pm-other")}/${pm}`],
      ["DELETE", `${base("pm-other")}/pm_doesnotexist`],
    ] as const) {
      const res = await call(method, path, { token: other });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.json.error.code).toBe("NOT_FOUND");
    }
    expect(stripe.fake.callsTo("POST", /\/detach$/)).toEqual([]);
    expect(stripe.fake.paymentMethods.get(pm)!.customer).not.toBeNull();
    // No customer yet: nothing can be theirs.
    const fresh = await token({ tenant: "pm-fresh" });
    expect((await call("DELETE", `${base("pm-fresh")}/${pm}`, { token: fresh })).status).toBe(404);
  });

  it("guards organizations and permissions: 401, 403 for another organization or without billing:update", async () => {
    const pm = stripe.fake.addPaymentMethod();
    expect((await call("GET", base("pm-guard"))).json).toMatchObject({ error: { code: "UNAUTHORIZED" } });
    const mine = await token({ tenant: "pm-guard" });
    const cross = await call("GET", base("pm-victim"), { token: mine });
    expect(cross.status).toBe(403);
    expect(cross.json).toEqual({ error: { code: "FORBIDDEN", message: "Token is not valid for this tenant" } });
    expect((await call("POST", `${base("pm-victim")}/create_and_attach`, { token: mine, body: { payment_method_id: pm } })).status).toBe(403);

    const reader = await token({ tenant: "pm-guard", scope: "billing:read" });
    expect((await call("GET", base("pm-guard"), { token: reader })).status).toBe(200);
    for (const [method, path] of [
      ["POST", `${base("pm-guard")}/create_and_attach`],
      ["PUT", `${base("pm-guard")}/${pm}/set_default`],
      ["DELETE", `${base("pm-guard")}/${pm}`],
      ["POST", `${base("pm-guard")}/payment_intent`],
    ] as const) {
      const res = await call(method, path, { token: reader, body: method === "POST" ? { payment_method_id: pm } : undefined });
      expect(res.status, `${method} ${path}`).toBe(403);
    }
    const admin = await call("POST", `${base("pm-victim")}/create_and_attach`, { token: await adminToken(), body: { payment_method_id: pm } });
    expect(admin.status).toBe(201);
  });

  it("validates input in its own error shape", async () => {
    const t = await token({ tenant: "pm-valid" });
    const bad = await call("POST", `${base("pm-valid")}/create_and_attach`, { token: t, body: { payment_method_id: "not a pm" } });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatchObject({ code: "VALIDATION_ERROR", details: [{ path: "payment_method_id" }] });
    expect((await call("POST", `${base("pm-valid")}/create_and_attach`, { token: t, body: {} })).status).toBe(400);
    expect((await call("POST", `${base("pm-valid")}/create_and_attach`, { token: t, body: "{oops" })).json.error.code).toBe("VALIDATION_ERROR");

    const unknown = await call("POST", `${base("pm-valid")}/create_and_attach`, { token: t, body: { payment_method_id: "pm_unknown123" } });
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.message).toBe("No such PaymentMethod: 'pm_unknown123'");

    const taken = stripe.fake.addPaymentMethod();
    stripe.fake.paymentMethods.get(taken)!.customer = "cus_somebodyelse";
    const attached = await call("POST", `${base("pm-valid")}/create_and_attach`, { token: t, body: { payment_method_id: taken } });
    expect(attached.status).toBe(400);
    expect(attached.json.error.message).toMatch(/already been attached/);
  });

  it("creates a SetupIntent for the organization's customer and returns its client secret", async () => {
    const t = await token({ tenant: "pm-setup" });
    const res = await call("POST", `${base("pm-setup")}/payment_intent`, { token: t });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ client_secret: expect.stringMatching(/^seti_.+_secret_/) });
    const [setup] = stripe.fake.callsTo("POST", "/v1/setup_intents");
    const stored = await env.DB.prepare("SELECT stripe_customer_id FROM tenants WHERE id = 'pm-setup'").first<{ stripe_customer_id: string }>();
    expect(setup!.params).toEqual({ customer: stored!.stripe_customer_id, usage: "off_session", "metadata[tenantId]": "pm-setup" });
  });

  it("answers 503 in its own shape when Stripe is not configured", async () => {
    const t = await token({ tenant: "pm-off" });
    const res = await withoutStripe(() => call("GET", base("pm-off"), { token: t }));
    expect(res.status).toBe(503);
    expect(res.json).toEqual({
      error: { code: "NOT_CONFIGURED", message: "Payments are not configured (set STRIPE_SECRET_KEY)", requestId: expect.any(String) },
    });
  });
});
