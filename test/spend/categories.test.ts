import { describe, expect, it } from "vitest";
import { adminToken, call } from "../helpers";
import { seedItems, tenantToken } from "./fixtures";

describe("spend categories", () => {
  it("creates, gets by id or name, updates and lists", async () => {
    const { token: t } = await tenantToken("cat-crud");
    const created = await call("POST", "categories", { token: t, body: { name: "Infrastructure", color: "#4a90d9" } });
    expect(created.status).toBe(201);
    expect(created.json.data).toMatchObject({ name: "Infrastructure", description: "", color: "#4A90D9" });
    const id = created.json.data.id;

    expect((await call("GET", `categories/${id}`, { token: t })).json.data.id).toBe(id);
    expect((await call("GET", "categories/Infrastructure", { token: t })).json.data.id).toBe(id);
    expect((await call("GET", "categories/infrastructure", { token: t })).json.data.id).toBe(id);
    expect((await call("GET", `categories/${encodeURIComponent("Cloud Costs")}`, { token: t })).status).toBe(404);

    const updated = await call("PUT", `categories/${id}`, { token: t, body: { name: "Cloud", description: "All cloud", color: null } });
    expect(updated.json.data).toMatchObject({ id, name: "Cloud", description: "All cloud", color: null });
    expect((await call("GET", "categories/Infrastructure", { token: t })).status).toBe(404);

    await call("POST", "categories", { token: t, body: { name: "AI" } });
    await call("POST", "categories", { token: t, body: { name: "Zeta" } });
    const page1 = await call("GET", "categories?limit=2", { token: t });
    expect(page1.json.data.map((c: any) => c.name)).toEqual(["AI", "Cloud"]);
    const page2 = await call("GET", `categories?limit=2&cursor=${page1.json.pagination.nextCursor}`, { token: t });
    expect(page2.json.data.map((c: any) => c.name)).toEqual(["Zeta"]);
    expect(page2.json.pagination.hasMore).toBe(false);
  });

  it("keeps names unique per tenant, case-insensitively", async () => {
    const { token: t } = await tenantToken("cat-unique");
    const { token: other } = await tenantToken("cat-unique-other");
    expect((await call("POST", "categories", { token: t, body: { name: "Ops" } })).status).toBe(201);
    expect((await call("POST", "categories", { token: t, body: { name: "OPS" } })).status).toBe(409);
    expect((await call("POST", "categories", { token: other, body: { name: "Ops" } })).status).toBe(201);
    const second = await call("POST", "categories", { token: t, body: { name: "Dev" } });
    expect((await call("PUT", `categories/${second.json.data.id}`, { token: t, body: { name: "ops" } })).status).toBe(409);
    // Renaming to a different case of its own name is fine.
    expect((await call("PUT", "categories/Dev", { token: t, body: { name: "DEV" } })).json.data.name).toBe("DEV");
  });

  it("deletes a category and leaves its items uncategorized", async () => {
    const { token: t } = await tenantToken("cat-delete");
    const [a, b] = await seedItems(t, [
      { name: "a", amount: 1, provider: "gcp", category: "Infra" },
      { name: "b", amount: 2, provider: "gcp", category: "Other" },
    ]);
    const res = await call("DELETE", "categories/Infra", { token: t });
    expect(res.json.data).toMatchObject({ deleted: true, itemsUncategorized: 1 });
    expect((await call("GET", `items/${a.id}`, { token: t })).json.data).toMatchObject({ category: null, categoryId: null });
    expect((await call("GET", `items/${b.id}`, { token: t })).json.data.category).toBe("Other");
    expect((await call("GET", "categories/Infra", { token: t })).status).toBe(404);
    expect((await call("DELETE", "categories/Infra", { token: t })).status).toBe(404);
  });

  it("renaming a category renames it on its items", async () => {
    const { token: t } = await tenantToken("cat-rename");
    const [a] = await seedItems(t, [{ name: "a", amount: 1, provider: "gcp", category: "Infra" }]);
    await call("PUT", "categories/Infra", { token: t, body: { name: "Platform" } });
    expect((await call("GET", `items/${a.id}`, { token: t })).json.data.category).toBe("Platform");
    expect((await call("GET", "items?category=Platform", { token: t })).json.data).toHaveLength(1);
  });

  it("rejects bad input", async () => {
    const { token: t } = await tenantToken("cat-bad");
    for (const [body, path] of [
      [{ name: "x", color: "blue" }, "color"],
      [{ name: "x", color: "#12345" }, "color"],
      [{ name: "x", color: "#GGGGGG" }, "color"],
      [{ name: "" }, "name"],
      [{ name: "x", extra: 1 }, "(root)"],
    ] as const) {
      const res = await call("POST", "categories", { token: t, body });
      expect(res.status).toBe(400);
      expect(res.json.error.details.map((d: any) => d.path)).toContain(path);
    }
  });

  it("isolates tenants", async () => {
    const a = await tenantToken("cat-iso-a");
    const b = await tenantToken("cat-iso-b");
    const created = await call("POST", "categories", { token: a.token, body: { name: "Secret" } });
    const id = created.json.data.id;
    expect((await call("GET", `categories/${id}`, { token: b.token })).status).toBe(404);
    expect((await call("GET", "categories/Secret", { token: b.token })).status).toBe(404);
    expect((await call("PUT", `categories/${id}`, { token: b.token, body: { name: "Mine" } })).status).toBe(404);
    expect((await call("DELETE", `categories/${id}`, { token: b.token })).status).toBe(404);
    expect((await call("GET", "categories", { token: b.token })).json.data).toEqual([]);
    const admin = await adminToken();
    expect((await call("GET", `categories/${id}`, { token: admin })).json.data.tenantId).toBe(a.tenant);
    expect((await call("GET", `categories/Secret?tenantId=${a.tenant}`, { token: admin })).json.data.id).toBe(id);
  });
});
