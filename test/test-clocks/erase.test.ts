import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ERASED_TABLES } from "../../src/test-clocks/erase";

/**
 * Every D1 table with a `tenant_id` column. D1 refuses the table-valued `pragma_table_info()`
 * in a join (SQLITE_AUTH), so each table's columns are read with `PRAGMA table_info`.
 */
async function tablesWithTenantId(): Promise<string[]> {
  const { results } = await env.DB.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all<{ name: string }>();
  const tables = results.map((r) => r.name).filter((n) => !n.startsWith("sqlite_") && !n.startsWith("_cf_"));
  const columns = await env.DB.batch(tables.map((t) => env.DB.prepare(`PRAGMA table_info("${t.replaceAll('"', '""')}")`)));
  return tables.filter((_, i) => (columns[i]!.results as Array<{ name: string }>).some((c) => c.name === "tenant_id"));
}

describe("test clock: erase coverage", () => {
  it("erases every D1 table that has a tenant_id column", async () => {
    const withTenant = await tablesWithTenantId();
    // The lookup finds what it should (a lookup that finds nothing would pass vacuously).
    expect(withTenant).toEqual(expect.arrayContaining(["subscriptions", "invoices", "usage_rollups", "test_clock_tenants"]));
    expect(withTenant.filter((t) => !ERASED_TABLES.includes(t))).toEqual([]);
  });

  it("names only tables that exist", async () => {
    const { results } = await env.DB.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all<{ name: string }>();
    const tables = new Set(results.map((r) => r.name));
    expect(ERASED_TABLES.filter((t) => !tables.has(t))).toEqual([]);
  });
});
