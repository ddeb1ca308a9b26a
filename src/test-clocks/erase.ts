import type { Bindings } from "../env";
import { pdfPrefix } from "../invoices/lifecycle";

/**
 * Every D1 table holding a tenant's data, children before parents (foreign keys), and how its
 * rows are found. A tenant deleted with its test clock leaves nothing behind in any of them;
 * test/test-clocks/erase.test.ts fails when a table with a tenant_id column is missing here.
 */
const BY_TENANT_ID = [
  "coupon_redemptions",
  "subscription_discounts",
  "subscription_phases",
  "subscription_periods",
  "invoices",
  "invoice_sequences",
  "subscriptions",
  "webhook_attempts",
  "webhook_deliveries",
  "webhook_endpoints",
  "outbox",
  "realtime_alerts",
  "quotas",
  "cost_centers",
  "usage_rollup_values",
  "usage_rollups",
  "spend_item_tags",
  "spend_items",
  "spend_monthly",
  "spend_sync_jobs",
  "spend_categories",
  "stripe_events",
  "test_clock_tenants",
  "tenants",
] as const;
const TENANT_COLUMN: Partial<Record<(typeof BY_TENANT_ID)[number], string>> = { tenants: "id" };

export const ERASED_TABLES: readonly string[] = [...BY_TENANT_ID, "invoice_lines", "idempotency_keys"];

/** Tables whose rows mean "this tenant has data" (its bare settings row and clock binding do not). */
const DATA_TABLES = BY_TENANT_ID.filter((t) => t !== "tenants" && t !== "test_clock_tenants");

/** Whether the tenant has anything in D1 or in its meter. */
export async function tenantHasData(env: Bindings, tenantId: string): Promise<boolean> {
  const found = await env.DB.batch(DATA_TABLES.map((t) => env.DB.prepare(`SELECT 1 FROM ${t} WHERE tenant_id = ? LIMIT 1`).bind(tenantId)));
  if (found.some((r) => r.results.length > 0)) return true;
  return env.TENANT_METER.getByName(tenantId).hasData();
}

/** Deletes all of the tenant's data: D1 rows (one batch, all or nothing), its meter's storage, its invoice PDFs. */
export async function eraseTenant(env: Bindings, tenantId: string): Promise<void> {
  // Redemptions by this tenant stop counting against their coupons' limits.
  const statements = [
    env.DB.prepare(
      `UPDATE coupons SET times_redeemed = times_redeemed - (SELECT COUNT(*) FROM coupon_redemptions r WHERE r.coupon_id = coupons.id AND r.tenant_id = ?1)
       WHERE id IN (SELECT coupon_id FROM coupon_redemptions WHERE tenant_id = ?1)`,
    ).bind(tenantId),
    env.DB.prepare("DELETE FROM invoice_lines WHERE invoice_id IN (SELECT id FROM invoices WHERE tenant_id = ?)").bind(tenantId),
    env.DB.prepare("DELETE FROM idempotency_keys WHERE substr(scope, 1, length(?1) + 1) = ?1 || char(10)").bind(tenantId),
    ...BY_TENANT_ID.map((t) => env.DB.prepare(`DELETE FROM ${t} WHERE ${TENANT_COLUMN[t] ?? "tenant_id"} = ?`).bind(tenantId)),
  ];
  await env.TENANT_METER.getByName(tenantId).erase();
  for (let cursor: string | undefined; ; ) {
    const page = await env.INVOICES.list({ prefix: pdfPrefix(tenantId), cursor });
    if (page.objects.length) await env.INVOICES.delete(page.objects.map((o) => o.key));
    if (!page.truncated) break;
    cursor = page.cursor;
  }
  await env.DB.batch(statements);
}
