import { describe, expect, it } from "vitest";
import { adminToken, call, token } from "../helpers";
import { seedItems, tenantToken } from "./fixtures";

const item = (over: Record<string, unknown> = {}) => ({ name: "Thing", amount: 100, provider: "gcp", ...over });

describe("spend items", () => {
  it("creates, reads, updates and deletes an item", async () => {
    const { token: t } = await tenantToken("items-crud", { sub: "bob" });
    const created = await call("POST", "items", {
      token: t,
      body: item({ service: "Compute Engine", stageApp: "prod/api", category: "Infrastructure", date: "2026-03-05", providerRef: "r-1" }),
    });
    expect(created.status).toBe(201);
    const id = created.json.data.id;
    expect(created.json.data).toMatchObject({
      currency: "USD",
      tags: [],
      description: "",
      recurring: false,
      period: null,
      date: "2026-03-05T00:00:00.000Z",
      category: "Infrastructure",
      service: "Compute Engine",
      stageApp: "prod/api",
      author: "bob",
      syncJobId: null,
    });
    expect((await call("GET", `items/${id}`, { token: t })).json.data).toEqual(created.json.data);

    const updated = await call("PUT", `items/${id}`, { token: t, body: { amount: 250, service: null, tags: ["a", "a", " b "], category: null } });
    expect(updated.status).toBe(200);
    expect(updated.json.data).toMatchObject({
      amount: 250,
      service: null,
      tags: ["a", "b"],
      category: null,
      categoryId: null,
      name: "Thing",
      providerRef: "r-1",
    });
    expect(Date.parse(updated.json.data.updatedAt)).toBeGreaterThanOrEqual(Date.parse(created.json.data.updatedAt));

    const deleted = await call("DELETE", `items/${id}`, { token: t });
    expect(deleted.json).toEqual({ success: true, data: { id, deleted: true } });
    expect((await call("GET", `items/${id}`, { token: t })).status).toBe(404);
    expect((await call("DELETE", `items/${id}`, { token: t })).status).toBe(404);
  });

  it("defaults the currency to the tenant's and stores provider names lower-case", async () => {
    const { tenant, token: t } = await tenantToken("items-currency");
    const admin = await adminToken();
    await call("PUT", `tenants/${tenant}`, { token: admin, body: { currency: "EUR" } });
    const res = await call("POST", "items", { token: t, body: item({ provider: "GCP" }) });
    expect(res.json.data).toMatchObject({ currency: "EUR", provider: "gcp" });
    const explicit = await call("POST", "items", { token: t, body: item({ currency: "jpy" }) });
    expect(explicit.json.data.currency).toBe("JPY");
  });

  it("keeps (provider, providerRef) unique per tenant", async () => {
    const { token: t } = await tenantToken("items-ref");
    const { token: other } = await tenantToken("items-ref-other");
    expect((await call("POST", "items", { token: t, body: item({ providerRef: "inv-1" }) })).status).toBe(201);
    const dup = await call("POST", "items", { token: t, body: item({ providerRef: "inv-1", name: "again" }) });
    expect(dup.status).toBe(409);
    expect(dup.json.error.code).toBe("CONFLICT");
    expect(dup.json.error.message).toContain("inv-1");
    expect((await call("POST", "items", { token: t, body: item({ providerRef: "inv-1", provider: "aws" }) })).status).toBe(201);
    expect((await call("POST", "items", { token: other, body: item({ providerRef: "inv-1" }) })).status).toBe(201);
    // Items without a ref never collide.
    expect((await call("POST", "items", { token: t, body: item() })).status).toBe(201);
    expect((await call("POST", "items", { token: t, body: item() })).status).toBe(201);

    const second = await call("POST", "items", { token: t, body: item({ providerRef: "inv-2" }) });
    const clash = await call("PUT", `items/${second.json.data.id}`, { token: t, body: { providerRef: "inv-1" } });
    expect(clash.status).toBe(409);
    expect((await call("GET", `items/${second.json.data.id}`, { token: t })).json.data.providerRef).toBe("inv-2");
  });

  it("creates a batch all or nothing", async () => {
    const { token: t } = await tenantToken("items-batch");
    await seedItems(t, [item({ providerRef: "taken" })]);
    const res = await call("POST", "items/batch", {
      token: t,
      body: { items: [item({ providerRef: "new-1", category: "Brand new" }), item({ providerRef: "taken" })] },
    });
    expect(res.status).toBe(409);
    expect(res.json.error.details).toEqual([expect.objectContaining({ provider: "gcp", providerRef: "taken" })]);
    expect((await call("GET", "items?limit=10", { token: t })).json.data).toHaveLength(1);
    expect((await call("GET", "categories", { token: t })).json.data).toEqual([]);

    const dupInRequest = await call("POST", "items/batch", { token: t, body: { items: [item({ providerRef: "x" }), item({ providerRef: "x" })] } });
    expect(dupInRequest.status).toBe(400);
    expect(dupInRequest.json.error.details[0].path).toBe("items.1.providerRef");

    const ok = await call("POST", "items/batch", { token: t, body: { items: [item({ name: "one" }), item({ name: "two", category: "Ops" })] } });
    expect(ok.status).toBe(201);
    expect(ok.json.data.created).toBe(2);
    expect(ok.json.data.items.map((i: any) => [i.name, i.category])).toEqual([
      ["one", null],
      ["two", "Ops"],
    ]);
  });

  it("finds an item by provider reference, a path /items/{id} does not capture", async () => {
    const { token: t } = await tenantToken("items-byref");
    const [created] = await seedItems(t, [item({ provider: "openai", providerRef: "org-2026-03" })]);
    const found = await call("GET", "items/by-provider-ref?provider=openai&providerRef=org-2026-03", { token: t });
    expect(found.status).toBe(200);
    expect(found.json.data.id).toBe(created.id);
    const missing = await call("GET", "items/by-provider-ref?provider=openai&providerRef=nope", { token: t });
    expect(missing.status).toBe(404);
    expect(missing.json.error.message).toBe("Item not found: openai/nope");
    const bad = await call("GET", "items/by-provider-ref?provider=openai", { token: t });
    expect(bad.status).toBe(400);
    expect(bad.json.error.details[0].path).toBe("providerRef");
  });

  it("applies every filter", async () => {
    const { token: t } = await tenantToken("items-filters", { sub: "carol" });
    await seedItems(t, [
      item({
        name: "a",
        provider: "gcp",
        service: "Compute Engine",
        date: "2026-03-01",
        recurring: true,
        tags: ["compute", "prod"],
        stageApp: "prod/api",
        category: "Infra",
      }),
      item({ name: "b", provider: "gcp", service: "Cloud Storage", date: "2026-03-15T10:00:00Z", tags: ["storage", "prod"], category: "Infra" }),
      item({ name: "c", provider: "openai", service: "gpt-4o", date: "2026-03-31T23:59:59.999Z", tags: ["ai"], stageApp: "staging/api", category: "AI" }),
      item({ name: "d", provider: "aws", date: "2026-04-01", recurring: true, tags: ["compute"] }),
    ]);
    const names = async (query: string) => {
      const res = await call("GET", `items?${query}`, { token: t });
      expect(res.status, res.text).toBe(200);
      return res.json.data
        .map((i: any) => i.name)
        .sort()
        .join("");
    };
    expect(await names("")).toBe("abcd");
    expect(await names("provider=gcp")).toBe("ab");
    expect(await names("provider=GCP")).toBe("ab");
    expect(await names("service=compute%20engine")).toBe("a");
    expect(await names("category=Infra")).toBe("ab");
    expect(await names("category=infra")).toBe("ab");
    const infra = (await call("GET", "categories/Infra", { token: t })).json.data.id;
    expect(await names(`category=${infra}`)).toBe("ab");
    expect(await names("from=2026-03-15")).toBe("bcd");
    expect(await names("to=2026-03-31")).toBe("abc");
    expect(await names("from=2026-03-15T10:00:00Z&to=2026-03-15T10:00:00Z")).toBe("b");
    expect(await names("from=2026-03-15T10:00:00.001Z")).toBe("cd");
    expect(await names("recurring=true")).toBe("ad");
    expect(await names("recurring=false")).toBe("bc");
    expect(await names("tags=compute")).toBe("ad");
    expect(await names("tags=compute,prod")).toBe("a");
    expect(await names("tags=prod")).toBe("ab");
    expect(await names("stageApp=prod/api")).toBe("a");
    expect(await names("author=carol")).toBe("abcd");
    expect(await names("author=dave")).toBe("");
    expect(await names("provider=&service=")).toBe("abcd");
  });

  it("pages newest first with a stable cursor", async () => {
    const { token: t } = await tenantToken("items-pages");
    await seedItems(
      t,
      Array.from({ length: 7 }, (_, i) => item({ name: `n${i}`, date: `2026-03-0${(i % 3) + 1}` })),
    );
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: any = await call("GET", `items?limit=3${cursor ? `&cursor=${cursor}` : ""}`, { token: t });
      expect(res.json.data.length).toBeLessThanOrEqual(3);
      seen.push(...res.json.data.map((i: any) => `${i.date.slice(0, 10)} ${i.name}`));
      cursor = res.json.pagination.nextCursor;
      expect(res.json.pagination.hasMore).toBe(cursor !== null);
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(7);
    expect(new Set(seen).size).toBe(7);
    expect(
      [...seen]
        .sort()
        .reverse()
        .map((s) => s.slice(0, 10)),
    ).toEqual(seen.map((s) => s.slice(0, 10)));
    expect((await call("GET", "items?cursor=garbage", { token: t })).status).toBe(400);
  });

  it("rejects bad input with the field's path", async () => {
    const { token: t } = await tenantToken("items-bad");
    const cases: [Record<string, unknown>, string][] = [
      [item({ amount: -1 }), "amount"],
      [item({ amount: 10.5 }), "amount"],
      [item({ amount: "100" }), "amount"],
      [item({ amount: Number.MAX_SAFE_INTEGER }), "amount"],
      [item({ date: "2026-02-30" }), "date"],
      [item({ date: "yesterday" }), "date"],
      [item({ currency: "dollars" }), "currency"],
      [item({ tags: ["a,b"] }), "tags.0"],
      [item({ period: "fortnightly" }), "period"],
      [item({ name: "" }), "name"],
      [item({ author: "mallory" }), "(root)"],
      [{ name: "x", amount: 1 }, "provider"],
    ];
    for (const [body, path] of cases) {
      const res = await call("POST", "items", { token: t, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.json.error.code).toBe("VALIDATION_ERROR");
      expect(res.json.error.details.map((d: any) => d.path)).toContain(path);
    }
    const range = await call("GET", "items?from=2026-03-31&to=2026-03-01", { token: t });
    expect(range.status).toBe(400);
    expect(range.json.error.details[0]).toMatchObject({ path: "to", message: "must not be before from" });
    expect((await call("GET", "items?recurring=yes", { token: t })).json.error.details[0].path).toBe("recurring");
    expect((await call("GET", "items?limit=0", { token: t })).status).toBe(400);
    expect((await call("PUT", "items/whatever", { token: t, body: { amount: -5 } })).status).toBe(400);
    expect((await call("POST", "items", { token: t, body: "{not json" })).status).toBe(400);
  });

  it("isolates tenants and lets admins see across them", async () => {
    const a = await tenantToken("items-iso-a");
    const b = await tenantToken("items-iso-b");
    const [mine] = await seedItems(a.token, [item({ name: "a's", providerRef: "shared-ref" })]);
    await seedItems(b.token, [item({ name: "b's" })]);

    expect((await call("GET", `items/${mine.id}`, { token: b.token })).status).toBe(404);
    expect((await call("PUT", `items/${mine.id}`, { token: b.token, body: { amount: 1 } })).status).toBe(404);
    expect((await call("DELETE", `items/${mine.id}`, { token: b.token })).status).toBe(404);
    expect((await call("GET", "items/by-provider-ref?provider=gcp&providerRef=shared-ref", { token: b.token })).status).toBe(404);
    expect((await call("GET", "items", { token: b.token })).json.data.map((i: any) => i.name)).toEqual(["b's"]);
    expect((await call("GET", `items?tenantId=${a.tenant}`, { token: b.token })).status).toBe(403);
    expect((await call("POST", `items?tenantId=${a.tenant}`, { token: b.token, body: item() })).status).toBe(403);

    const admin = await adminToken();
    expect((await call("GET", `items/${mine.id}`, { token: admin })).json.data.tenantId).toBe(a.tenant);
    const scoped = await call("GET", `items?tenantId=${b.tenant}`, { token: admin });
    expect(scoped.json.data.map((i: any) => i.name)).toEqual(["b's"]);
    const all = await call("GET", "items?limit=200", { token: admin });
    expect(all.json.data.map((i: any) => i.tenantId)).toEqual(expect.arrayContaining([a.tenant, b.tenant]));
    const placed = await call("POST", `items?tenantId=${b.tenant}`, { token: admin, body: item({ name: "by admin" }) });
    expect(placed.json.data).toMatchObject({ tenantId: b.tenant, author: "operator" });
  });

  it("requires billing:read to read and billing:update to write", async () => {
    const reader = await token({ tenant: "items-scopes", scope: "billing:read" });
    const writer = await token({ tenant: "items-scopes", scope: "billing:update" });
    const meter = await token({ tenant: "items-scopes", scope: "usage:write" });
    expect((await call("POST", "items", { token: reader, body: item() })).status).toBe(403);
    expect((await call("POST", "items", { token: writer, body: item() })).status).toBe(201);
    expect((await call("GET", "items", { token: reader })).status).toBe(200);
    expect((await call("GET", "items", { token: meter })).status).toBe(403);
    expect((await call("GET", "items")).status).toBe(401);
  });
});
