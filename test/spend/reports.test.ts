import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { database } from "../../src/db/client";
import { breakdown, isoWeekLabel, monthlyCovers, percentage, summary, trend } from "../../src/spend/reports/service";
import { adminToken, call } from "../helpers";
import { seedItems, tenantToken } from "./fixtures";

const data = async (t: string, path: string) => {
  const res = await call("GET", path, { token: t });
  expect(res.status, res.text).toBe(200);
  return res.json.data;
};

describe("spend reports", () => {
  it("breaks down by every dimension, largest first, with one-decimal shares", async () => {
    const { token: t } = await tenantToken("rep-dims");
    await seedItems(t, [
      { name: "a", amount: 5000, provider: "gcp", service: "Compute Engine", category: "Infra", recurring: true, tags: ["compute", "prod"] },
      { name: "b", amount: 2000, provider: "gcp", service: "Cloud Storage", category: "Infra", tags: ["prod"] },
      { name: "c", amount: 2000, provider: "openai", service: "gpt-4o", category: "AI", recurring: true, tags: ["ai"] },
      { name: "d", amount: 1000, provider: "aws" },
    ]);
    expect(await data(t, "reports/breakdown?by=provider")).toEqual([
      { key: "gcp", amount: 7000, count: 2, percentage: 70 },
      { key: "openai", amount: 2000, count: 1, percentage: 20 },
      { key: "aws", amount: 1000, count: 1, percentage: 10 },
    ]);
    expect(await data(t, "reports/breakdown?by=category")).toEqual([
      { key: "Infra", amount: 7000, count: 2, percentage: 70 },
      { key: "AI", amount: 2000, count: 1, percentage: 20 },
      { key: "(none)", amount: 1000, count: 1, percentage: 10 },
    ]);
    expect(await data(t, "reports/breakdown?by=service")).toEqual([
      { key: "Compute Engine", amount: 5000, count: 1, percentage: 50 },
      { key: "Cloud Storage", amount: 2000, count: 1, percentage: 20 },
      { key: "gpt-4o", amount: 2000, count: 1, percentage: 20 },
      { key: "(none)", amount: 1000, count: 1, percentage: 10 },
    ]);
    expect(await data(t, "reports/breakdown?by=recurring")).toEqual([
      { key: "true", amount: 7000, count: 2, percentage: 70 },
      { key: "false", amount: 3000, count: 2, percentage: 30 },
    ]);
    // An item counts under each of its tags: shares are of the total and may add past 100.
    expect(await data(t, "reports/breakdown?by=tag")).toEqual([
      { key: "prod", amount: 7000, count: 2, percentage: 70 },
      { key: "compute", amount: 5000, count: 1, percentage: 50 },
      { key: "ai", amount: 2000, count: 1, percentage: 20 },
      { key: "(none)", amount: 1000, count: 1, percentage: 10 },
    ]);
    expect(await data(t, "reports/breakdown")).toHaveLength(3);
  });

  it("narrows reports with the report filters", async () => {
    const { token: t } = await tenantToken("rep-filters");
    await seedItems(t, [
      { name: "a", amount: 100, provider: "gcp", service: "Compute Engine", category: "Infra", date: "2026-03-01" },
      { name: "b", amount: 200, provider: "gcp", service: "Cloud Storage", category: "Infra", date: "2026-03-31T23:00:00Z" },
      { name: "c", amount: 400, provider: "openai", category: "AI", date: "2026-04-01" },
    ]);
    const total = async (q: string) => (await data(t, `reports/summary?${q}`)).totalAmount;
    expect(await total("")).toBe(700);
    expect(await total("provider=gcp")).toBe(300);
    expect(await total("category=Infra")).toBe(300);
    expect(await total("service=Cloud%20Storage")).toBe(200);
    expect(await total("from=2026-03-02")).toBe(600);
    expect(await total("to=2026-03-31")).toBe(300);
    expect(await total("from=2026-03-01&to=2026-03-01")).toBe(100);
    expect(await total("provider=aws")).toBe(0);
    expect(await data(t, "reports/breakdown?by=provider&provider=aws")).toEqual([]);
    expect(await data(t, "reports/trend?interval=month&category=AI")).toEqual([{ date: "2026-04", amount: 400, count: 1 }]);
    const summary = await data(t, "reports/summary");
    expect(summary).toMatchObject({ from: null, to: null, itemCount: 3 });
  });

  it("buckets the trend by day, ISO week and month at their boundaries", async () => {
    const { token: t } = await tenantToken("rep-trend");
    await seedItems(t, [
      { name: "sun", amount: 1, provider: "x", date: "2025-12-28T23:59:59.999Z" }, // Sunday: 2025-W52
      { name: "mon", amount: 2, provider: "x", date: "2025-12-29T00:00:00Z" }, // Monday: 2026-W01
      { name: "thu", amount: 4, provider: "x", date: "2026-01-01T12:00:00Z" }, // 2026-W01
      { name: "sun2", amount: 8, provider: "x", date: "2026-01-04T23:59:59Z" }, // 2026-W01
      { name: "mon2", amount: 16, provider: "x", date: "2026-01-05" }, // 2026-W02
      { name: "jan-end", amount: 32, provider: "x", date: "2026-01-31T23:59:59.999Z" },
      { name: "feb", amount: 64, provider: "x", date: "2026-02-01T00:00:00Z" },
    ]);
    expect(await data(t, "reports/trend?interval=week")).toEqual([
      { date: "2025-W52", amount: 1, count: 1 },
      { date: "2026-W01", amount: 14, count: 3 },
      { date: "2026-W02", amount: 16, count: 1 },
      { date: "2026-W05", amount: 96, count: 2 }, // Saturday Jan 31 and Sunday Feb 1
    ]);
    expect(await data(t, "reports/trend?interval=month")).toEqual([
      { date: "2025-12", amount: 3, count: 2 },
      { date: "2026-01", amount: 60, count: 4 },
      { date: "2026-02", amount: 64, count: 1 },
    ]);
    expect(await data(t, "reports/trend?interval=day&from=2025-12-28&to=2025-12-29")).toEqual([
      { date: "2025-12-28", amount: 1, count: 1 },
      { date: "2025-12-29", amount: 2, count: 1 },
    ]);
    expect((await data(t, "reports/trend")).map((p: any) => p.date)).toEqual(["2025-12", "2026-01", "2026-02"]);
  });

  it("never adds amounts of different currencies", async () => {
    const { tenant, token: t } = await tenantToken("rep-fx");
    await seedItems(t, [
      { name: "usd", amount: 1000, provider: "gcp", date: "2026-03-01" },
      { name: "eur", amount: 700, currency: "EUR", provider: "gcp", date: "2026-03-02" },
      { name: "eur2", amount: 300, currency: "EUR", provider: "openai", date: "2026-03-03" },
    ]);
    expect(await data(t, "reports/summary")).toEqual({
      totalAmount: 1000,
      itemCount: 1,
      currency: "USD",
      from: null,
      to: null,
      byCurrency: [
        { currency: "EUR", totalAmount: 1000, itemCount: 2 },
        { currency: "USD", totalAmount: 1000, itemCount: 1 },
      ],
    });
    expect(await data(t, "reports/breakdown?by=provider")).toEqual([{ key: "gcp", amount: 1000, count: 1, percentage: 100 }]);
    expect(await data(t, "reports/breakdown?by=provider&currency=eur")).toEqual([
      { key: "gcp", amount: 700, count: 1, percentage: 70 },
      { key: "openai", amount: 300, count: 1, percentage: 30 },
    ]);
    expect(await data(t, "reports/trend?interval=month&currency=EUR")).toEqual([{ date: "2026-03", amount: 1000, count: 2 }]);
    // The tenant's currency is the default reporting currency.
    await call("PUT", `tenants/${tenant}`, { token: await adminToken(), body: { currency: "EUR" } });
    expect(await data(t, "reports/summary")).toMatchObject({ totalAmount: 1000, itemCount: 2, currency: "EUR" });
    expect(await data(t, "status")).toMatchObject({ totalAmount: 1000, currency: "EUR", totalItems: 3 });
  });

  it("rejects unknown dimensions, intervals and inverted ranges with the field path", async () => {
    const { token: t } = await tenantToken("rep-bad");
    for (const [path, field] of [
      ["reports/breakdown?by=colour", "by"],
      ["reports/trend?interval=year", "interval"],
      ["reports/summary?from=2026-04-01&to=2026-03-01", "to"],
      ["reports/summary?from=2026-13-01", "from"],
      ["reports/summary?currency=usdollar", "currency"],
      ["reports/trend?tags=a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q,r,s,t,u", "tags"],
    ]) {
      const res = await call("GET", path!, { token: t });
      expect(res.status, path).toBe(400);
      expect(res.json.error.details[0].path).toBe(field);
    }
  });

  it("isolates tenants; admins report across them or for one", async () => {
    const a = await tenantToken("rep-iso-a");
    const b = await tenantToken("rep-iso-b");
    await seedItems(a.token, [{ name: "a", amount: 111, provider: "gcp" }]);
    await seedItems(b.token, [{ name: "b", amount: 222, provider: "gcp" }]);
    expect((await data(a.token, "reports/summary")).totalAmount).toBe(111);
    expect((await data(b.token, "status")).totalAmount).toBe(222);
    const admin = await adminToken();
    expect((await data(admin, `reports/summary?tenantId=${b.tenant}`)).totalAmount).toBe(222);
    expect((await data(admin, "reports/summary")).totalAmount).toBeGreaterThanOrEqual(333);
    expect((await call("GET", `reports/summary?tenantId=${b.tenant}`, { token: a.token })).status).toBe(403);
  });

  it("rounds shares half up in exact integers", () => {
    expect(percentage(35000, 52500)).toBe(66.7);
    expect(percentage(17500, 52500)).toBe(33.3);
    expect(percentage(1, 16)).toBe(6.3);
    expect(percentage(1, 8)).toBe(12.5);
    expect(percentage(0, 0)).toBe(0);
    expect(percentage(5, 0)).toBe(0);
    expect(percentage(999_999_999_999, 1_000_000_000_000)).toBe(100);
    expect(percentage(-50, 1000)).toBe(-5);
  });

  it("labels ISO weeks", () => {
    expect(isoWeekLabel("2025-12-29")).toBe("2026-W01");
    expect(isoWeekLabel("2020-12-28")).toBe("2020-W53");
    expect(isoWeekLabel("2021-01-04")).toBe("2021-W01");
    expect(isoWeekLabel("2026-12-28")).toBe("2026-W53");
    expect(isoWeekLabel("2027-01-04")).toBe("2027-W01");
  });
});

describe("monthly totals", () => {
  const day = (n: number) => new Date(Date.UTC(2025, 10, 1) + n * 86_400_000).toISOString().slice(0, 10);

  it("answer exactly what the items answer, through creates, updates, deletes and category deletes", async () => {
    const { tenant, token: t } = await tenantToken("rep-monthly");
    const db = database(env.DB);
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            amount: fc.integer({ min: 0, max: 1_000_000 }),
            provider: fc.constantFrom("gcp", "aws", "openai"),
            service: fc.option(fc.constantFrom("Compute", "Storage", "compute"), { nil: undefined }),
            category: fc.option(fc.constantFrom("Infra", "AI"), { nil: undefined }),
            currency: fc.constantFrom("USD", "USD", "EUR"),
            recurring: fc.boolean(),
            day: fc.integer({ min: 0, max: 150 }),
          }),
          { minLength: 1, maxLength: 12 },
        ),
        fc.array(fc.tuple(fc.nat(), fc.constantFrom("amount", "date", "provider", "category", "delete")), { maxLength: 5 }),
        async (specs, edits) => {
          await env.DB.prepare("DELETE FROM spend_items WHERE tenant_id = ?").bind(tenant).run();
          const created = await seedItems(
            t,
            specs.map((s, i) => ({
              name: `i${i}`,
              amount: s.amount,
              provider: s.provider,
              service: s.service,
              category: s.category,
              currency: s.currency,
              recurring: s.recurring,
              date: `${day(s.day)}T12:00:00Z`,
            })),
          );
          for (const [n, edit] of edits) {
            const item = created[n % created.length];
            if (edit === "delete") await call("DELETE", `items/${item.id}`, { token: t });
            else if (edit === "category") await call("DELETE", "categories/AI", { token: t });
            else
              await call("PUT", `items/${item.id}`, {
                token: t,
                body: edit === "amount" ? { amount: n } : edit === "date" ? { date: day(n % 150) } : { provider: "azure" },
              });
          }
          for (const query of [
            {},
            { fromMs: Date.UTC(2025, 11, 1), toMs: Date.UTC(2026, 1, 1), provider: "gcp" },
            { category: "Infra", service: "compute", recurring: true },
          ]) {
            for (const currency of ["USD", "EUR"]) {
              const f = { tenantId: tenant, currency, ...query };
              expect(monthlyCovers(f)).toBe(true);
              const range = { from: null, to: null };
              expect(await summary(db, f, currency, range)).toEqual(await summary(db, f, currency, range, { prefer: "items" }));
              expect(await trend(db, f, "month")).toEqual(await trend(db, f, "month", { prefer: "items" }));
              for (const by of ["provider", "service", "category", "recurring"] as const) {
                expect(await breakdown(db, f, by)).toEqual(await breakdown(db, f, by, { prefer: "items" }));
              }
            }
          }
        },
      ),
      { numRuns: 6 },
    );
  });

  it("are used only for whole months without item-only filters", () => {
    expect(monthlyCovers({ tenantId: "t" })).toBe(true);
    expect(monthlyCovers({ tenantId: "t", fromMs: Date.UTC(2026, 0, 1), toMs: Date.UTC(2026, 3, 1) })).toBe(true);
    expect(monthlyCovers({ tenantId: "t", fromMs: Date.UTC(2026, 0, 2) })).toBe(false);
    expect(monthlyCovers({ tenantId: "t", toMs: Date.UTC(2026, 0, 1) + 1 })).toBe(false);
    expect(monthlyCovers({ tenantId: "t", tags: ["a"] })).toBe(false);
    expect(monthlyCovers({ tenantId: "t", stageApp: "x" })).toBe(false);
    expect(monthlyCovers({ tenantId: "t", author: "x" })).toBe(false);
  });
});
