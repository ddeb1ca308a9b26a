import { describe, expect, it } from "vitest";
import { call, token } from "../helpers";
import { insertDraft } from "../invoices/fixtures";

describe("seed 003 surface", () => {
  it("lists the caller's invoices with lowercase currency and an absolute pdfUrl once finalized", async () => {
    const t = await token({ tenant: "app-1" });
    const id = await insertDraft("app-1", { amount: 2450 });
    await insertDraft("app-other");
    const before = await call("GET", "/billing/invoices", { token: t });
    expect(before.status).toBe(200);
    expect(before.json.invoices).toEqual([expect.objectContaining({ id, amount: 4900, currency: "usd", status: "draft", pdfUrl: null, paidAt: null })]);
    await call("POST", `invoices/${id}/finalize`, { token: t });
    const after = await call("GET", "/billing/invoices", { token: t });
    expect(after.json.invoices[0].pdfUrl).toBe(`https://billing.test/api/v1/billing/invoices/${id}/pdf`);
  });

  it("answers errors as {error, message}", async () => {
    const res = await call("GET", "/billing/invoices");
    expect(res.status).toBe(401);
    expect(res.json).toEqual({ error: "Unauthorized", message: "Missing bearer token", code: "UNAUTHORIZED" });
  });
});
