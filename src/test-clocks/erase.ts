import { getTableName } from "drizzle-orm";
import { alertsErasure } from "../alerts/erasure";
import { clockErasure } from "../clock/erasure";
import { costCentersErasure } from "../cost-centers/erasure";
import { couponsErasure } from "../coupons/erasure";
import { database } from "../db/client";
import { dataProbes, erasureStatements, type TenantErasure } from "../db/erasure";
import type { Bindings } from "../env";
import { idempotencyErasure } from "../http/idempotency";
import { invoicesErasure } from "../invoices/erasure";
import { pdfPrefix } from "../invoices/lifecycle";
import { meteringErasure } from "../metering/erasure";
import { outboxErasure } from "../outbox/erasure";
import { quotasErasure } from "../quotas/erasure";
import { spendErasure } from "../spend/erasure";
import { stripeErasure } from "../stripe/erasure";
import { subscriptionsErasure } from "../subscriptions/erasure";
import { tenantsErasure } from "../tenants/erasure";
import { webhooksErasure } from "../webhooks/erasure";

/**
 * Every module's part in erasing a tenant, in foreign-key order: coupons' discounts before the
 * subscriptions they are on, the tenant's settings row last. test/test-clocks/erase.test.ts
 * fails when a D1 table with a tenant_id column is in none of them.
 */
const PARTS: readonly TenantErasure[] = [
  couponsErasure,
  subscriptionsErasure,
  invoicesErasure,
  webhooksErasure,
  outboxErasure,
  alertsErasure,
  quotasErasure,
  costCentersErasure,
  meteringErasure,
  spendErasure,
  stripeErasure,
  idempotencyErasure,
  clockErasure,
  tenantsErasure,
];

export const ERASED_TABLES: readonly string[] = PARTS.flatMap((p) => [...p.tables.map((t) => t.table), ...(p.alsoEmpties ?? [])]).map((t) => getTableName(t));

/** Whether the tenant has anything in D1 or in its meter. */
export async function tenantHasData(env: Bindings, tenantId: string): Promise<boolean> {
  const db = database(env.DB);
  const [first, ...rest] = dataProbes(db, PARTS, tenantId);
  const found = await db.batch([first!, ...rest]);
  if (found.some((rows) => rows.length > 0)) return true;
  return env.TENANT_METER.getByName(tenantId).hasData();
}

/** Deletes all of the tenant's data: D1 rows (one batch, all or nothing), its meter's storage, its invoice PDFs. */
export async function eraseTenant(env: Bindings, tenantId: string): Promise<void> {
  const db = database(env.DB);
  const [first, ...rest] = erasureStatements(db, PARTS, tenantId);
  await env.TENANT_METER.getByName(tenantId).erase();
  for (let cursor: string | undefined; ; ) {
    const page = await env.INVOICES.list({ prefix: pdfPrefix(tenantId), cursor });
    if (page.objects.length) await env.INVOICES.delete(page.objects.map((o) => o.key));
    if (!page.truncated) break;
    cursor = page.cursor;
  }
  await db.batch([first!, ...rest]);
}
