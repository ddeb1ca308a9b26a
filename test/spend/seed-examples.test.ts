import { describe, expect, it, vi, afterEach } from "vitest";
import { call, token } from "../helpers";

// Every curl example of seed 000, run against the app with the documented request and checked
// for the documented response shape (and the documented numbers where the data makes them so).
describe("seed 000 examples", () => {
  afterEach(() => vi.restoreAllMocks());

  it("creates a billing item exactly as the example shows", async () => {
    const t = await token({ tenant: "seed-create", sub: "alice" });
    const body = {
      name: "GCP Compute Engine",
      amount: 1050,
      currency: "USD",
      provider: "gcp",
      providerRef: "gcp-inv-2026-03",
      tags: ["compute", "production"],
      description: "March compute costs",
      recurring: true,
      period: "monthly",
    };
    const res = await call("POST", "items", { token: t, body });
    expect(res.status).toBe(201);
    expect(res.json.success).toBe(true);
    const item = res.json.data;
    expect(item).toMatchObject(body);
    expect(item.id).toMatch(/^[a-z0-9]{12}$/);
    for (const field of ["date", "createdAt", "updatedAt"]) expect(item[field]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(item.date).toBe(item.createdAt);
    expect(item.author).toBe("alice");
  });

  it("lists items with provider, from, to and limit", async () => {
    const t = await token({ tenant: "seed-list" });
    for (const [provider, date] of [
      ["gcp", "2026-03-01"],
      ["gcp", "2026-03-31T23:59:59Z"],
      ["gcp", "2026-04-01"],
      ["openai", "2026-03-10"],
      ["gcp", "2026-02-28T23:59:59Z"],
    ]) {
      expect((await call("POST", "items", { token: t, body: { name: `${provider} ${date}`, amount: 100, provider, date } })).status).toBe(201);
    }
    const res = await call("GET", "items?provider=gcp&from=2026-03-01&to=2026-03-31&limit=20", { token: t });
    expect(res.status).toBe(200);
    expect(Array.isArray(res.json.data)).toBe(true);
    expect(res.json.data.map((i: any) => i.date)).toEqual(["2026-03-31T23:59:59.000Z", "2026-03-01T00:00:00.000Z"]);
    expect(res.json.pagination).toEqual({ limit: 20, nextCursor: null, hasMore: false });
  });

  it("creates a category", async () => {
    const res = await call("POST", "categories", {
      token: await token({ tenant: "seed-category" }),
      body: { name: "Infrastructure", description: "Cloud infrastructure costs", color: "#4A90D9" },
    });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ success: true, data: { name: "Infrastructure", description: "Cloud infrastructure costs", color: "#4A90D9" } });
  });

  it("gives the summary, breakdown and trend with the documented numbers", async () => {
    const t = await token({ tenant: "seed-reports" });
    const items = [
      ...Array.from({ length: 8 }, (_, i) => ({ provider: "gcp", amount: 4375, date: `2026-03-${String(i + 2).padStart(2, "0")}` })),
      ...Array.from({ length: 7 }, (_, i) => ({ provider: "openai", amount: 2500, date: `2026-03-${String(i + 10).padStart(2, "0")}` })),
      ...Array.from({ length: 12 }, (_, i) => ({ provider: "gcp", amount: 3750, date: `2026-01-${String(i + 1).padStart(2, "0")}` })),
      ...Array.from({ length: 14 }, (_, i) => ({
        provider: i % 2 ? "gcp" : "openai",
        amount: i < 12 ? 3500 : 3000,
        date: `2026-02-${String(i + 1).padStart(2, "0")}`,
      })),
    ].map((i, n) => ({ name: `item ${n}`, ...i }));
    expect((await call("POST", "items/batch", { token: t, body: { items } })).status).toBe(201);

    const summary = await call("GET", "reports/summary?from=2026-03-01&to=2026-03-31", { token: t });
    expect(summary.json).toEqual({
      success: true,
      data: {
        totalAmount: 52500,
        itemCount: 15,
        currency: "USD",
        from: "2026-03-01",
        to: "2026-03-31",
        byCurrency: [{ currency: "USD", totalAmount: 52500, itemCount: 15 }],
      },
    });

    const breakdown = await call("GET", "reports/breakdown?by=provider&from=2026-03-01&to=2026-03-31", { token: t });
    expect(breakdown.json).toEqual({
      success: true,
      data: [
        { key: "gcp", amount: 35000, count: 8, percentage: 66.7 },
        { key: "openai", amount: 17500, count: 7, percentage: 33.3 },
      ],
    });

    const trend = await call("GET", "reports/trend?interval=month&from=2026-01-01", { token: t });
    expect(trend.json).toEqual({
      success: true,
      data: [
        { date: "2026-01", amount: 45000, count: 12 },
        { date: "2026-02", amount: 48000, count: 14 },
        { date: "2026-03", amount: 52500, count: 15 },
      ],
    });
  });

  it("searches items", async () => {
    const t = await token({ tenant: "seed-search" });
    await call("POST", "items", { token: t, body: { name: "GCP Compute Engine", amount: 1050, provider: "gcp", tags: ["compute"] } });
    await call("POST", "items", { token: t, body: { name: "OpenAI API", amount: 500, provider: "openai" } });
    const res = await call("GET", "search?q=compute&limit=10", { token: t });
    expect(res.status).toBe(200);
    expect(res.json.data.map((i: any) => i.name)).toEqual(["GCP Compute Engine"]);
  });

  it("triggers a gcp sync and answers the documented job shape", async () => {
    vi.spyOn(globalThis, "fetch").mockImplementation(async () =>
      Response.json({
        kind: "bigquery#queryResponse",
        jobComplete: true,
        jobReference: { projectId: "my-gcp-project", jobId: "job_1", location: "US" },
        schema: { fields: [{ name: "day" }, { name: "service" }, { name: "currency" }, { name: "cost" }] },
        totalRows: "2",
        rows: [
          { f: [{ v: "2026-03-01" }, { v: "Compute Engine" }, { v: "USD" }, { v: "12.345" }] },
          { f: [{ v: "2026-03-01" }, { v: "Cloud Storage" }, { v: "USD" }, { v: "0.5" }] },
        ],
      }),
    );
    const res = await call("POST", "sync", {
      token: await token({ tenant: "seed-sync" }),
      body: { provider: "gcp", token: "<gcp-access-token>", from: "2026-03-01", to: "2026-03-31", projectId: "my-gcp-project" },
    });
    expect(res.status).toBe(200);
    expect(res.json.success).toBe(true);
    expect(res.json.data).toMatchObject({ provider: "gcp", status: "completed", itemsCreated: 2, itemsUpdated: 0 });
    expect(res.json.data.id).toMatch(/^[a-z0-9]{12}$/);
    expect(Date.parse(res.json.data.completedAt)).toBeGreaterThanOrEqual(Date.parse(res.json.data.startedAt));
  });

  it("reports service status", async () => {
    const t = await token({ tenant: "seed-status" });
    await call("POST", "items", { token: t, body: { name: "a", amount: 150000, provider: "gcp", category: "Infrastructure" } });
    const res = await call("GET", "status", { token: t });
    expect(res.status).toBe(200);
    expect(res.json.data).toMatchObject({
      initialized: true,
      config: { version: 1, currency: "USD" },
      totalItems: 1,
      totalCategories: 1,
      totalSyncJobs: 0,
      totalAmount: 150000,
      currency: "USD",
      storageType: "d1",
    });
  });

  it("answers errors in the documented envelope", async () => {
    const res = await call("GET", "items/abc123def456", { token: await token({ tenant: "seed-errors" }) });
    expect(res.status).toBe(404);
    expect(res.json).toEqual({ success: false, error: { code: "NOT_FOUND", message: "Item not found: abc123def456" } });
  });
});
