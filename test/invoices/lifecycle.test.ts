import { PDFDocument } from "pdf-lib";
import { describe, expect, it } from "vitest";
import { env } from "cloudflare:workers";
import { adminToken, call, token } from "../helpers";
import { insertDraft } from "./fixtures";

describe("invoice lifecycle", () => {
  it("finalizes with gapless numbers per tenant, freezes, and stores the PDF in R2", async () => {
    const t = await token({ tenant: "inv-1" });
    const first = await insertDraft("inv-1");
    const second = await insertDraft("inv-1");
    const other = await insertDraft("inv-1-other");

    const f1 = await call("POST", `invoices/${first}/finalize`, { token: t });
    expect(f1.status, JSON.stringify(f1.json)).toBe(200);
    const year = new Date().getUTCFullYear();
    expect(f1.json.data).toMatchObject({ status: "open", number: `INV-${year}-000001`, pdfUrl: `/api/v1/billing/invoices/${first}/pdf` });
    expect(f1.json.data.total).toEqual({ amount: 2000, currency: "USD" });
    expect(f1.json.data.dueAt).toBeTruthy();

    const again = await call("POST", `invoices/${first}/finalize`, { token: t });
    expect(again.status).toBe(409);
    expect(again.json.error).toMatchObject({ code: "INVALID_STATE" });
    expect(again.json.error.message).toContain("open");

    const f2 = await call("POST", `invoices/${second}/finalize`, { token: t });
    expect(f2.json.data.number).toBe(`INV-${year}-000002`);
    const fo = await call("POST", `invoices/${other}/finalize`, { token: await token({ tenant: "inv-1-other" }) });
    expect(fo.json.data.number).toBe(`INV-${year}-000001`);

    const object = await env.INVOICES.get(`invoices/inv-1/${first}.pdf`);
    expect(object).not.toBeNull();
    const pdf = await PDFDocument.load(await object!.arrayBuffer());
    expect(pdf.getTitle()).toContain(`INV-${year}-000001`);
    expect(pdf.getPageCount()).toBe(1);
  });

  it("numbers concurrent finalizations without gaps or duplicates", async () => {
    const t = await token({ tenant: "inv-race" });
    const ids = await Promise.all(Array.from({ length: 8 }, () => insertDraft("inv-race")));
    const results = await Promise.all([...ids, ...ids].map((id) => call("POST", `invoices/${id}/finalize`, { token: t })));
    expect(results.filter((r) => r.status === 200)).toHaveLength(8);
    expect(results.filter((r) => r.status === 409)).toHaveLength(8);
    const numbers = results.filter((r) => r.status === 200).map((r) => Number(r.json.data.number.slice(-6)));
    expect(numbers.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it("serves the PDF for finalized invoices and 409 for drafts", async () => {
    const t = await token({ tenant: "inv-2" });
    const id = await insertDraft("inv-2", { lines: 80 });
    const draftPdf = await call("GET", `invoices/${id}/pdf`, { token: t });
    expect(draftPdf.status).toBe(409);
    expect(draftPdf.json.error.code).toBe("INVALID_STATE");

    const number = (await call("POST", `invoices/${id}/finalize`, { token: t })).json.data.number;
    const res = await exportsFetch(`invoices/${id}/pdf`, t);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/pdf");
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="${number}.pdf"`);
    const pdf = await PDFDocument.load(await res.arrayBuffer());
    expect(pdf.getPageCount()).toBeGreaterThanOrEqual(3);
    expect(pdf.getKeywords()).toContain(number);

    // A lost object is rendered again from the frozen invoice.
    await env.INVOICES.delete(`invoices/inv-2/${id}.pdf`);
    const again = await exportsFetch(`invoices/${id}/pdf`, t);
    expect(again.status).toBe(200);
    expect((await PDFDocument.load(await again.arrayBuffer())).getPageCount()).toBe(pdf.getPageCount());
  });

  it("voids only open invoices", async () => {
    const t = await token({ tenant: "inv-3" });
    const id = await insertDraft("inv-3");
    expect((await call("POST", `invoices/${id}/void`, { token: t })).status).toBe(409);
    await call("POST", `invoices/${id}/finalize`, { token: t });
    const voided = await call("POST", `invoices/${id}/void`, { token: t });
    expect(voided.status).toBe(200);
    expect(voided.json.data).toMatchObject({ status: "void" });
    expect(voided.json.data.voidedAt).toBeTruthy();
    const twice = await call("POST", `invoices/${id}/void`, { token: t });
    expect(twice.status).toBe(409);
    expect(twice.json.error.message).toContain("void");

    const zero = await insertDraft("inv-3", { amount: 0 });
    const paid = await call("POST", `invoices/${zero}/finalize`, { token: t });
    expect(paid.json.data).toMatchObject({ status: "paid" });
    expect((await call("POST", `invoices/${zero}/void`, { token: t })).status).toBe(409);
  });

  it("lists a tenant's invoices newest period first with filters and pages", async () => {
    const t = await token({ tenant: "inv-4" });
    const ids = [];
    for (let m = 0; m < 3; m++) ids.push(await insertDraft("inv-4", { periodStart: Date.UTC(2026, m, 1) }));
    await call("POST", `invoices/${ids[0]}/finalize`, { token: t });
    const all = await call("GET", "tenants/inv-4/invoices?limit=2", { token: t });
    expect(all.json.data.map((i: { id: string }) => i.id)).toEqual([ids[2], ids[1]]);
    const rest = await call("GET", `tenants/inv-4/invoices?limit=2&cursor=${all.json.pagination.nextCursor}`, { token: t });
    expect(rest.json.data.map((i: { id: string }) => i.id)).toEqual([ids[0]]);
    const open = await call("GET", "tenants/inv-4/invoices?status=open", { token: t });
    expect(open.json.data.map((i: { id: string }) => i.id)).toEqual([ids[0]]);
    const window = await call("GET", "tenants/inv-4/invoices?from=2026-02-01&to=2026-03-01", { token: t });
    expect(window.json.data.map((i: { id: string }) => i.id)).toEqual([ids[1]]);
    expect((await call("GET", "tenants/inv-4/invoices?status=bogus", { token: t })).status).toBe(400);
  });

  it("keeps tenants apart on every invoice route", async () => {
    const id = await insertDraft("inv-a");
    const b = await token({ tenant: "inv-b" });
    for (const [method, path] of [
      ["GET", `invoices/${id}`],
      ["POST", `invoices/${id}/finalize`],
      ["POST", `invoices/${id}/void`],
      ["GET", `invoices/${id}/pdf`],
    ] as const) {
      expect((await call(method, path, { token: b })).status).toBe(404);
    }
    expect((await call("GET", "tenants/inv-a/invoices", { token: b })).status).toBe(403);
    expect((await call("GET", `invoices/${id}`, { token: await adminToken() })).status).toBe(200);
    expect((await call("POST", `invoices/${id}/finalize`, { token: await token({ tenant: "inv-a", scope: "billing:read" }) })).status).toBe(403);
  });
});

async function exportsFetch(path: string, t: string) {
  const { exports } = await import("cloudflare:workers");
  return exports.default.fetch(new Request(`https://billing.test/api/v1/billing/${path}`, { headers: { authorization: `Bearer ${t}` } }));
}
