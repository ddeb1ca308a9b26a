import { describe, expect, it } from "vitest";
import { env, exports } from "cloudflare:workers";
import { call, token } from "../helpers";
import { insertDraft } from "../invoices/fixtures";

describe("seed 002 invoice surfaces", () => {
  it("lists internal invoices with {cents, currency_iso} money and line items", async () => {
    const t = await token({ tenant: "org-1", scope: "billing:read" });
    const id = await insertDraft("org-1", { lines: 2, amount: 1250, currency: "EUR" });
    const list = await call("GET", "/invoices", { token: t });
    expect(list.status).toBe(200);
    expect(list.json.invoices).toHaveLength(1);
    expect(list.json.invoices[0]).toMatchObject({ id, organization_id: "org-1", period: "2026-10", total: { cents: 2500, currency_iso: "EUR" } });
    expect(list.json.invoices[0].items[0]).toMatchObject({
      product: null,
      project: null,
      metric: "apiCalls",
      kind: "usage",
      unit: "apiCalls",
      unit_price: { cents: 1250, currency_iso: "EUR" },
      total: { cents: 1250, currency_iso: "EUR" },
    });
    const one = await call("GET", `/invoices/${id}`, { token: t });
    expect(one.json.id).toBe(id);
    const missing = await call("GET", "/invoices/nope", { token: t });
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({ error: { code: "NOT_FOUND", message: "Invoice not found: nope" } });
  });

  it("names the product and project of the invoice's subscription on each item, the metric beside them", async () => {
    const tenant = "org-links";
    const t = await token({ tenant });
    const sub = await call("POST", `tenants/${tenant}/subscriptions`, {
      token: t,
      body: { planId: "pro", trial: false, projectId: "proj-web", productId: "prod-analytics" },
    });
    expect(sub.status, sub.text).toBe(201);
    const id = await insertDraft(tenant);
    await env.DB.prepare("UPDATE invoices SET subscription_id = ? WHERE id = ?").bind(sub.json.data.id, id).run();
    const list = await call("GET", "/invoices", { token: t });
    const items = list.json.invoices.find((i: { id: string }) => i.id === id).items;
    expect(items).toHaveLength(2);
    for (const item of items) expect(item).toMatchObject({ product: "prod-analytics", project: "proj-web", metric: "apiCalls", kind: "usage" });
    expect((await call("GET", `/invoices/${id}`, { token: t })).json.items[0]).toMatchObject({ product: "prod-analytics", project: "proj-web" });
  });

  it("shows finalized invoices as legal documents and downloads their PDF", async () => {
    const t = await token({ tenant: "org-2" });
    const draft = await insertDraft("org-2");
    const id = await insertDraft("org-2");
    const number = (await call("POST", `invoices/${id}/finalize`, { token: t })).json.data.number;
    const list = await call("GET", "/organizations/org-2/invoices", { token: t });
    expect(list.json.invoices.map((i: { id: string }) => i.id)).toEqual([id]);
    expect(list.json.invoices[0]).toMatchObject({ number, status: "open", total: { cents: 2000, currency_iso: "USD" } });
    expect((await call("GET", `/organizations/org-2/invoices/${id}`, { token: t })).json.number).toBe(number);
    expect((await call("GET", `/organizations/org-2/invoices/${draft}`, { token: t })).status).toBe(404);

    const pdf = await exports.default.fetch(
      new Request(`https://billing.test/organizations/org-2/invoices/download?invoice_id=${id}`, { headers: { authorization: `Bearer ${t}` } }),
    );
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    expect(new TextDecoder().decode((await pdf.arrayBuffer()).slice(0, 5))).toBe("%PDF-");
  });

  it("refuses another organisation and missing permissions in its own error shape", async () => {
    const t = await token({ tenant: "org-3", scope: "billing:read" });
    const other = await call("GET", "/organizations/org-4/invoices", { token: t });
    expect(other.status).toBe(403);
    expect(other.json.error.code).toBe("FORBIDDEN");
    const none = await call("GET", "/invoices");
    expect(none.status).toBe(401);
    expect(none.json.error.code).toBe("UNAUTHORIZED");
    const wrongScope = await call("GET", "/invoices", { token: await token({ tenant: "org-3", scope: "usage:write" }) });
    expect(wrongScope.status).toBe(403);
  });
});
