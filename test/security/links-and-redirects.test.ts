import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, token } from "../helpers";
import { insertDraft } from "../invoices/fixtures";
import { newTenant } from "../metering/support";
import { useFakeStripe } from "../stripe/fake-stripe";

/** A request as a client that lies about the host would send it. */
const spoofed = (path: string, t: string) =>
  exports.default
    .fetch(new Request(`https://evil.example${path}`, { headers: { authorization: `Bearer ${t}`, host: "evil.example" } }))
    .then((r) => r.json<any>());

describe("absolute links come from PUBLIC_BASE_URL, never from the Host header", () => {
  it("builds seed 003 pdfUrl, seed 002 pdf_url and the OpenAPI server from the configured base", async () => {
    const tenant = newTenant("links");
    const t = await token({ tenant });
    const id = await insertDraft(tenant);
    expect((await call("POST", `invoices/${id}/finalize`, { token: t })).status).toBe(200);

    const seed003 = await spoofed("/billing/invoices", t);
    expect(seed003.invoices[0].pdfUrl).toBe(`https://billing.test/api/v1/billing/invoices/${id}/pdf`);
    const seed002 = await spoofed(`/organizations/${tenant}/invoices`, t);
    expect(seed002.invoices[0].pdf_url).toBe(`https://billing.test/organizations/${tenant}/invoices/download?invoice_id=${id}`);
    const spec = await spoofed("/api/v1/billing/openapi.json", t);
    expect(spec.servers).toEqual([{ url: "https://billing.test" }]);

    // A base with a path and a trailing slash; and none at all, where links stay relative.
    const based = await call("GET", "/billing/invoices", { token: t, env: { PUBLIC_BASE_URL: "https://example.com/billing-api/" } });
    expect(based.json.invoices[0].pdfUrl).toBe(`https://example.com/billing-api/api/v1/billing/invoices/${id}/pdf`);
    const unset = await call("GET", "/billing/invoices", { token: t, env: { PUBLIC_BASE_URL: "" } });
    expect(unset.json.invoices[0].pdfUrl).toBe(`/api/v1/billing/invoices/${id}/pdf`);
  });
});

describe("redirect URLs are limited to ALLOWED_REDIRECT_HOSTS", () => {
  const stripe = useFakeStripe();
  const ok = { successUrl: "https://app.example.com/success", cancelUrl: "https://app.example.com/cancel" };

  it("refuses another host with 400 naming the field, on both surfaces, before calling Stripe", async () => {
    const t = await token({ tenant: newTenant("redirect") });
    const seed001 = await call("POST", "stripe/checkout", { token: t, body: { planId: "pro", ...ok, cancelUrl: "https://evil.example/cancel" } });
    expect([seed001.status, seed001.json.error.code, seed001.json.error.details[0].path]).toEqual([400, "VALIDATION_ERROR", "cancelUrl"]);
    expect(seed001.json.error.message).toContain("evil.example");
    const portal = await call("POST", "stripe/portal", { token: t, body: { returnUrl: "https://app.example.com.evil.example/" } });
    expect([portal.status, portal.json.error.details[0].path]).toEqual([400, "returnUrl"]);

    const seed003 = await call("POST", "/billing/checkout", { token: t, body: { priceId: "price_1", ...ok, successUrl: "http://evil.example/x" } });
    expect(seed003.status).toBe(400);
    expect(seed003.json).toMatchObject({ error: "Bad Request", code: "VALIDATION_ERROR", details: [{ path: "successUrl" }] });
    const seed003Portal = await call("POST", "/billing/portal", { token: t, body: { returnUrl: "https://evil.example/" } });
    expect([seed003Portal.status, seed003Portal.json.details[0].path]).toEqual([400, "returnUrl"]);

    expect(stripe.fake.calls).toEqual([]);
  });

  it("accepts listed hosts, subdomains of a *. entry, and refuses everything when the list is empty", async () => {
    const t = await token({ tenant: newTenant("redirect-ok") });
    expect((await call("POST", "/billing/checkout", { token: t, body: { priceId: "price_1", ...ok } })).status).toBe(200);

    const wildcard = { ALLOWED_REDIRECT_HOSTS: "localhost, *.shop.example" };
    const sub = await call("POST", "/billing/portal", { token: t, body: { returnUrl: "https://eu.shop.example/account" }, env: wildcard });
    expect(sub.status).toBe(200);
    const bare = await call("POST", "/billing/portal", { token: t, body: { returnUrl: "https://shop.example/account" }, env: wildcard });
    expect(bare.status).toBe(400);
    const lookalike = await call("POST", "/billing/portal", { token: t, body: { returnUrl: "https://evilshop.example/" }, env: wildcard });
    expect(lookalike.status).toBe(400);

    const none = await call("POST", "/billing/portal", { token: t, body: { returnUrl: ok.successUrl }, env: { ALLOWED_REDIRECT_HOSTS: "" } });
    expect([none.status, none.json.message]).toEqual([400, expect.stringContaining("ALLOWED_REDIRECT_HOSTS is empty")]);
  });
});
