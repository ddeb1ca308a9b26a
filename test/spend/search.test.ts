import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ftsQuery } from "../../src/spend/search/query";
import { adminToken, call } from "../helpers";
import { seedItems, tenantToken } from "./fixtures";

const names = async (t: string, q: string, extra = "") => {
  const res = await call("GET", `search?q=${encodeURIComponent(q)}${extra}`, { token: t });
  expect(res.status, `${q}: ${res.text}`).toBe(200);
  return res.json.data.map((i: any) => i.name);
};

describe("spend search", () => {
  it("ranks name hits above description hits and finds every searchable field", async () => {
    const { token: t } = await tenantToken("search-rank");
    await seedItems(t, [
      { name: "Office rent", amount: 1, provider: "landlord", description: "Not compute at all, just rent" },
      { name: "GCP Compute Engine", amount: 1, provider: "gcp", service: "Compute Engine", tags: ["compute"] },
      { name: "Storage", amount: 1, provider: "aws", service: "Amazon S3", tags: ["archive"] },
      { name: "Tokens", amount: 1, provider: "openai", service: "gpt-4o" },
    ]);
    expect(await names(t, "compute")).toEqual(["GCP Compute Engine", "Office rent"]);
    expect(await names(t, "archive")).toEqual(["Storage"]);
    expect(await names(t, "openai")).toEqual(["Tokens"]);
    expect(await names(t, "s3")).toEqual(["Storage"]);
    const hit = (await call("GET", "search?q=compute", { token: t })).json.data[0];
    expect(hit).toMatchObject({ name: "GCP Compute Engine", provider: "gcp", amount: 1 });
    expect(hit.score).toBeGreaterThan((await call("GET", "search?q=compute", { token: t })).json.data[1].score);
  });

  it("matches prefixes and requires every word", async () => {
    const { token: t } = await tenantToken("search-prefix");
    await seedItems(t, [
      { name: "GCP Compute Engine", amount: 1, provider: "gcp" },
      { name: "Compute credits", amount: 1, provider: "aws" },
      { name: "Café supplies", amount: 1, provider: "local" },
    ]);
    expect(await names(t, "comp")).toHaveLength(2);
    expect(await names(t, "comp eng")).toEqual(["GCP Compute Engine"]);
    expect(await names(t, "co aws")).toEqual(["Compute credits"]);
    expect(await names(t, "cafe")).toEqual(["Café supplies"]);
    expect(await names(t, "COMPUTE")).toHaveLength(2);
    expect(await names(t, "nothing-like-it")).toEqual([]);
    expect(await names(t, "comp", "&limit=1")).toHaveLength(1);
  });

  it("treats FTS syntax in the query as text and never errors", async () => {
    const { token: t } = await tenantToken("search-hostile");
    await seedItems(t, [{ name: "near the compute (engine)", amount: 1, provider: "gcp", description: 'say "hi"' }]);
    const hostile = [
      '"',
      '""',
      '"compute',
      'compute"',
      "*",
      "**",
      "comp*",
      "*comp",
      "NEAR(compute engine)",
      "NEAR",
      "near",
      "(",
      ")",
      "((compute",
      "compute OR",
      "OR",
      "AND",
      "NOT compute",
      "compute NOT",
      "name:compute",
      "{name}:x",
      "^compute",
      "-compute",
      "+",
      "'",
      "\\",
      "compute AND (",
      "🙂",
      "🙂 compute",
      "%",
      "%25",
      ":",
      ";DROP TABLE spend_items;--",
      "x".repeat(500),
      "计算",
    ];
    for (const q of hostile) {
      const res = await call("GET", `search?q=${encodeURIComponent(q)}`, { token: t });
      expect(res.status, q).toBe(200);
      expect(Array.isArray(res.json.data), q).toBe(true);
    }
    expect(await names(t, "NEAR(compute engine)")).toEqual(["near the compute (engine)"]);
    expect(await names(t, '"compute')).toEqual(["near the compute (engine)"]);
    expect(await names(t, "*")).toEqual([]);
    expect((await call("GET", "search", { token: t })).status).toBe(400);
    expect((await call("GET", "search?q=", { token: t })).status).toBe(400);
    // Control characters are refused in every input, a query included (README "Security").
    const nul = await call("GET", `search?q=${encodeURIComponent("a\u0000b")}`, { token: t });
    expect([nul.status, nul.json.error.details[0].path]).toEqual([400, "q"]);
  });

  it("keeps the index consistent through updates and deletes", async () => {
    const { token: t } = await tenantToken("search-sync");
    const [a, b] = await seedItems(t, [
      { name: "Alpha service", amount: 1, provider: "gcp", tags: ["red"] },
      { name: "Beta service", amount: 1, provider: "gcp" },
    ]);
    await call("PUT", `items/${a.id}`, { token: t, body: { name: "Gamma service", tags: ["blue"] } });
    expect(await names(t, "alpha")).toEqual([]);
    expect(await names(t, "red")).toEqual([]);
    expect(await names(t, "gamma")).toEqual(["Gamma service"]);
    expect(await names(t, "blue")).toEqual(["Gamma service"]);
    // An update that leaves the text alone keeps the item findable.
    await call("PUT", `items/${a.id}`, { token: t, body: { amount: 5 } });
    expect(await names(t, "gamma")).toEqual(["Gamma service"]);
    await call("DELETE", `items/${b.id}`, { token: t });
    expect(await names(t, "beta")).toEqual([]);
    expect(await names(t, "service")).toEqual(["Gamma service"]);
    // The FTS5 integrity check compares the index with spend_items row by row.
    await env.DB.prepare("INSERT INTO spend_items_fts(spend_items_fts, rank) VALUES ('integrity-check', 1)").run();
  });

  it("only searches the caller's tenant (admins: all, or one)", async () => {
    const a = await tenantToken("search-iso-a");
    const b = await tenantToken("search-iso-b");
    await seedItems(a.token, [{ name: "Zorblax invoice", amount: 1, provider: "gcp" }]);
    await seedItems(b.token, [{ name: "Zorblax receipt", amount: 1, provider: "gcp" }]);
    expect(await names(a.token, "zorblax")).toEqual(["Zorblax invoice"]);
    expect(await names(b.token, "zorblax")).toEqual(["Zorblax receipt"]);
    const admin = await adminToken();
    expect((await names(admin, "zorblax")).sort()).toEqual(["Zorblax invoice", "Zorblax receipt"]);
    expect(await names(admin, "zorblax", `&tenantId=${a.tenant}`)).toEqual(["Zorblax invoice"]);
  });

  it("builds MATCH expressions from words only", () => {
    expect(ftsQuery("GCP compute")).toBe('"gcp"* "compute"*');
    expect(ftsQuery('NEAR("a" b)*')).toBe('"near"* "a"* "b"*');
    expect(ftsQuery('()*"')).toBeNull();
    expect(ftsQuery("a a a")).toBe('"a"*');
  });
});
