import { describe, expect, it } from "vitest";
import { adminToken, call, token } from "../helpers";

describe("cost centers", () => {
  it("creates, lists with pagination, reads, updates and deletes", async () => {
    const t = await token({ tenant: "cc-1" });
    const created = await call("POST", "cost-centers", {
      token: t,
      body: { name: "Research", code: "R-1", budget: { amount: 500000, currency: "usd" }, tags: ["ml"] },
    });
    expect(created.status).toBe(201);
    expect(created.json.data).toMatchObject({ tenantId: "cc-1", name: "Research", code: "R-1", budget: { amount: 500000, currency: "USD" }, active: true });
    const id = created.json.data.id;

    for (const name of ["Sales", "Support"]) {
      expect((await call("POST", "cost-centers", { token: t, body: { name } })).status).toBe(201);
    }
    const page1 = await call("GET", "cost-centers/tenants/cc-1?limit=2", { token: t });
    expect(page1.json.data).toHaveLength(2);
    expect(page1.json.pagination.hasMore).toBe(true);
    const page2 = await call("GET", `cost-centers/tenants/cc-1?limit=2&cursor=${page1.json.pagination.nextCursor}`, { token: t });
    expect(page2.json.data.map((c: { name: string }) => c.name)).toEqual(["Support"]);
    expect(page2.json.pagination.nextCursor).toBeNull();

    const updated = await call("PUT", `cost-centers/${id}`, { token: t, body: { description: "R&D", budget: null } });
    expect(updated.json.data).toMatchObject({ description: "R&D", budget: null, name: "Research" });
    expect((await call("GET", `cost-centers/${id}`, { token: t })).json.data.description).toBe("R&D");

    const deleted = await call("DELETE", `cost-centers/${id}`, { token: t });
    expect(deleted.json.data).toEqual({ id, deleted: true });
    expect((await call("GET", `cost-centers/${id}`, { token: t })).status).toBe(404);
  });

  it("refuses a duplicate name (case-insensitive) with 409", async () => {
    const t = await token({ tenant: "cc-2" });
    expect((await call("POST", "cost-centers", { token: t, body: { name: "Ops" } })).status).toBe(201);
    const dup = await call("POST", "cost-centers", { token: t, body: { name: "ops" } });
    expect(dup.status).toBe(409);
    expect(dup.json.error.code).toBe("CONFLICT");
  });

  it("keeps tenants apart: another tenant's id is 404, another tenant's list is 403", async () => {
    const a = await token({ tenant: "cc-a" });
    const b = await token({ tenant: "cc-b" });
    const id = (await call("POST", "cost-centers", { token: a, body: { name: "Secret" } })).json.data.id;
    expect((await call("GET", `cost-centers/${id}`, { token: b })).status).toBe(404);
    expect((await call("PUT", `cost-centers/${id}`, { token: b, body: { name: "Mine" } })).status).toBe(404);
    expect((await call("DELETE", `cost-centers/${id}`, { token: b })).status).toBe(404);
    expect((await call("GET", "cost-centers/tenants/cc-a", { token: b })).status).toBe(403);
    expect((await call("POST", "cost-centers", { token: b, body: { name: "X", tenantId: "cc-a" } })).status).toBe(403);
    const admin = await adminToken();
    expect((await call("GET", `cost-centers/${id}`, { token: admin })).status).toBe(200);
    expect((await call("POST", "cost-centers", { token: admin, body: { name: "Y", tenantId: "cc-a" } })).json.data.tenantId).toBe("cc-a");
  });

  it("needs billing:update to write and validates input", async () => {
    const reader = await token({ tenant: "cc-3", scope: "billing:read" });
    expect((await call("POST", "cost-centers", { token: reader, body: { name: "X" } })).status).toBe(403);
    const writer = await token({ tenant: "cc-3" });
    const bad = await call("POST", "cost-centers", { token: writer, body: { name: "", budget: { amount: -5, currency: "usd" }, extra: 1 } });
    expect(bad.status).toBe(400);
    const paths = bad.json.error.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(expect.arrayContaining(["name", "budget.amount"]));
  });
});
