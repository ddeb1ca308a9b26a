import { describe, expect, it } from "vitest";
import { call, token } from "../helpers";
import { insertDraft } from "../invoices/fixtures";
import { newTenant } from "../metering/support";

describe("response headers", () => {
  it("serves /docs with a nonce CSP that its own script and style carry, and no inline handlers", async () => {
    const res = await call("GET", "/docs");
    expect(res.status).toBe(200);
    const csp = res.headers.get("content-security-policy")!;
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain("unsafe-inline");
    expect(res.text).toContain(`<script nonce="${nonce}">`);
    expect(res.text).toContain(`<style nonce="${nonce}">`);
    expect(res.text).not.toMatch(/\son\w+="|style="/);
    expect((await call("GET", "/docs")).headers.get("content-security-policy")).not.toBe(csp); // a nonce per response
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
  });

  it("keeps the docs page's token in sessionStorage, not localStorage", async () => {
    const page = (await call("GET", "/docs")).text;
    expect(page).toContain("sessionStorage");
    expect(page).not.toContain("localStorage");
  });

  it("marks billing JSON no-store, errors and seed surfaces included, with the API's CSP", async () => {
    const t = await token({ tenant: newTenant("headers") });
    for (const [path, opts] of [
      ["plans", { token: t }],
      ["no/such/route", {}],
      ["/billing/invoices", { token: t }],
      ["/subscriptions", {}],
    ] as const) {
      const res = await call("GET", path, opts);
      expect([path, res.headers.get("cache-control"), res.headers.get("x-content-type-options")]).toEqual([path, "no-store", "nosniff"]);
      expect(res.headers.get("content-security-policy")).toBe("default-src 'none'; frame-ancestors 'none'");
    }
  });

  it("keeps CSV exports out of caches too", async () => {
    const tenant = newTenant("csv-cache");
    const res = await call("GET", `tenants/${tenant}/invoices.csv`, { token: await token({ tenant }) });
    expect([res.status, res.headers.get("content-type"), res.headers.get("cache-control")]).toEqual([
      200,
      "text/csv; charset=utf-8; header=present",
      "no-store",
    ]);
  });

  it("serves invoice PDFs private, no-store on both download routes", async () => {
    const tenant = newTenant("pdf-cache");
    const t = await token({ tenant });
    const id = await insertDraft(tenant);
    await call("POST", `invoices/${id}/finalize`, { token: t });
    const pdf = await call("GET", `invoices/${id}/pdf`, { token: t });
    expect([pdf.status, pdf.headers.get("content-type"), pdf.headers.get("cache-control")]).toEqual([200, "application/pdf", "private, no-store"]);
    const seed002 = await call("GET", `/organizations/${tenant}/invoices/download?invoice_id=${id}`, { token: t });
    expect([seed002.status, seed002.headers.get("cache-control")]).toEqual([200, "private, no-store"]);
  });
});

describe("X-Request-Id", () => {
  it("echoes a safe id and replaces anything else with a generated one", async () => {
    expect((await call("GET", "/health", { headers: { "x-request-id": "req_01H:abc-9.x" } })).headers.get("x-request-id")).toBe("req_01H:abc-9.x");
    for (const hostile of ["a".repeat(129), "id with space", "<script>", "a;b=c", "%0d%0aSet-Cookie:x", '"quoted"']) {
      const echoed = (await call("GET", "/health", { headers: { "x-request-id": hostile } })).headers.get("x-request-id");
      expect(echoed).not.toBe(hostile);
      expect(echoed).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});
