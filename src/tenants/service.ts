import { and, asc, eq, gt, isNull, or } from "drizzle-orm";
import { tenantClock } from "../clock";
import type { Db } from "../db/client";
import type { Bindings } from "../env";
import { iso } from "../lib/time";
import { DEFAULT_ROUNDING_MODE, type RoundingMode } from "../money/rounding";
import type { Tenant, UpdateTenant } from "./schemas";
import { tenants, type TenantRow } from "./table";

type Clock = { id: string; frozenTime: number } | null;

export const toTenant = (row: TenantRow, clock: Clock): Tenant => ({
  id: row.id,
  name: row.name,
  billingEmail: row.billingEmail,
  billingAddress: row.billingAddress ?? null,
  currency: row.currency,
  taxRateBps: row.taxRateBps,
  roundingMode: row.roundingMode,
  stripeCustomerId: row.stripeCustomerId,
  testClock: clock && { id: clock.id, frozenTime: iso(clock.frozenTime) },
  createdAt: iso(row.createdAt),
  updatedAt: iso(row.updatedAt),
});

/**
 * A tenant exists from the first authenticated call that names it: this inserts
 * the default row if there is none and returns the stored one either way.
 */
export async function ensureTenant(db: Db, id: string, now: number): Promise<TenantRow> {
  const [, rows] = await db.batch([
    db.insert(tenants).values({ id, createdAt: now, updatedAt: now }).onConflictDoNothing(),
    db.select().from(tenants).where(eq(tenants.id, id)),
  ]);
  return rows[0]!;
}

/** The tenant's settings (created with the defaults on first sight), and the test clock it lives on. */
export async function getTenant(env: Bindings, db: Db, id: string, now: number): Promise<Tenant> {
  return toTenant(await ensureTenant(db, id, now), await tenantClock(env, id));
}

export async function updateTenant(env: Bindings, db: Db, id: string, input: UpdateTenant, now: number): Promise<Tenant> {
  await ensureTenant(db, id, now);
  const rows = await db
    .update(tenants)
    .set({ ...input, updatedAt: now })
    .where(eq(tenants.id, id))
    .returning();
  return toTenant(rows[0]!, await tenantClock(env, id));
}

/** The tenant's settings row, if it has one (no defaults written). */
export async function findTenant(db: Db, id: string): Promise<TenantRow | undefined> {
  return db.select().from(tenants).where(eq(tenants.id, id)).get();
}

/** Ids of the tenants with a settings row, after `after`, in id order. */
export async function tenantIdsAfter(db: Db, after: string, limit: number): Promise<string[]> {
  const rows = await db.select({ id: tenants.id }).from(tenants).where(gt(tenants.id, after)).orderBy(asc(tenants.id)).limit(limit);
  return rows.map((r) => r.id);
}

/** The tenant's rounding mode; the default for a tenant that has no row yet. */
export async function tenantRoundingMode(db: Db, id: string): Promise<RoundingMode> {
  const row = await db.select({ roundingMode: tenants.roundingMode }).from(tenants).where(eq(tenants.id, id)).get();
  return row?.roundingMode ?? DEFAULT_ROUNDING_MODE;
}

/** For another module's batch: the tenant's default row, if it has none yet. */
export function ensureTenantStatement(db: Db, id: string, now: number) {
  return db.insert(tenants).values({ id, createdAt: now, updatedAt: now }).onConflictDoNothing();
}

/** The tenant's own currency, or undefined when it has no settings row. */
export async function tenantCurrency(db: Db, id: string): Promise<string | undefined> {
  return (await db.select({ currency: tenants.currency }).from(tenants).where(eq(tenants.id, id)).get())?.currency;
}

/** The tenant's Stripe customer id, if it has one yet. */
export async function tenantStripeCustomer(db: Db, id: string): Promise<string | null> {
  return (await db.select({ id: tenants.stripeCustomerId }).from(tenants).where(eq(tenants.id, id)).get())?.id ?? null;
}

/** Stores `customerId` on the tenant unless it has another one; returns the one it has afterwards (null: no such tenant). */
export async function setTenantStripeCustomer(db: Db, id: string, customerId: string, now: number): Promise<string | null> {
  const [, rows] = await db.batch([
    db
      .update(tenants)
      .set({ stripeCustomerId: customerId, updatedAt: now })
      .where(and(eq(tenants.id, id), or(isNull(tenants.stripeCustomerId), eq(tenants.stripeCustomerId, customerId)))),
    db.select({ id: tenants.stripeCustomerId }).from(tenants).where(eq(tenants.id, id)),
  ]);
  return rows[0]?.id ?? null;
}
