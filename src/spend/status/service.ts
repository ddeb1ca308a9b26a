import { asc, count, eq, sql } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import type { Db } from "../../db/client";
import { serviceConfig } from "../../plans/catalog";
import { spendCategories, spendMonthly, spendSyncJobs } from "../table";

/** Storage counts for a tenant (or every tenant), totals in `currency` only, others listed apart. */
export async function spendStatus(db: Db, tenantId: string | null, currency: string) {
  const mine = (t: { tenantId: SQLiteColumn }) => (tenantId === null ? undefined : eq(t.tenantId, tenantId));
  const [items, categories, jobs] = await db.batch([
    // The trigger-maintained monthly totals: the same sums as the items, without reading them.
    db
      .select({
        currency: spendMonthly.currency,
        totalAmount: sql<number>`COALESCE(SUM(${spendMonthly.amount}), 0)`,
        itemCount: sql<number>`COALESCE(SUM(${spendMonthly.itemCount}), 0)`,
      })
      .from(spendMonthly)
      .where(mine(spendMonthly))
      .groupBy(spendMonthly.currency)
      .orderBy(asc(spendMonthly.currency)),
    db.select({ n: count() }).from(spendCategories).where(mine(spendCategories)),
    db.select({ n: count() }).from(spendSyncJobs).where(mine(spendSyncJobs)),
  ]);
  return {
    initialized: true,
    config: { version: serviceConfig.version, currency: serviceConfig.currency },
    totalItems: items.reduce((s, r) => s + r.itemCount, 0),
    totalCategories: categories[0]?.n ?? 0,
    totalSyncJobs: jobs[0]?.n ?? 0,
    totalAmount: items.find((r) => r.currency === currency)?.totalAmount ?? 0,
    currency,
    storageType: "d1" as const,
    byCurrency: items,
  };
}
