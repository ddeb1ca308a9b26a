import { and, asc, desc, eq, gt, gte, isNull, lt, sql } from "drizzle-orm";
import { inJson } from "../db/in-json";
import type { Db } from "../db/client";
import { iso } from "../lib/time";
import { notFound } from "../http/errors";
import { afterCursor, decodeCursor, paginate } from "../http/pagination";
import { discountsBySubscription, toDiscount } from "../coupons";
import type { DiscountRow } from "../coupons";
import type { Subscription } from "./schemas";
import { subscriptionPeriods, subscriptions, type PeriodRow, type SubscriptionRow, type SubscriptionStatus } from "./table";

const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

export function toSubscription(row: SubscriptionRow, discounts: DiscountRow[] = []): Subscription {
  return {
    id: row.id,
    tenantId: row.tenantId,
    projectId: row.projectId,
    productId: row.productId,
    planId: row.planId,
    status: row.status,
    currency: row.currency,
    currentPeriodStart: iso(row.currentPeriodStart),
    currentPeriodEnd: iso(row.currentPeriodEnd),
    billingCycleAnchor: iso(row.billingAnchor),
    trialStart: isoOrNull(row.trialStart),
    trialEnd: isoOrNull(row.trialEnd),
    cancelAtPeriodEnd: row.cancelAtPeriodEnd,
    cancelAt: row.cancelAtPeriodEnd ? iso(row.currentPeriodEnd) : isoOrNull(row.endedAt),
    canceledAt: isoOrNull(row.canceledAt),
    endedAt: isoOrNull(row.endedAt),
    pausedAt: isoOrNull(row.pausedAt),
    resumesAt: isoOrNull(row.resumesAt),
    scheduledChange: row.scheduledPlanId && row.scheduledChangeAt !== null ? { planId: row.scheduledPlanId, at: iso(row.scheduledChangeAt) } : null,
    discounts: discounts.map(toDiscount),
    reactivatedFrom: row.reactivatedFrom,
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}

export async function presentSubscriptions(db: Db, rows: SubscriptionRow[]): Promise<Subscription[]> {
  const discounts = await discountsBySubscription(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => toSubscription(r, discounts.get(r.id)));
}

export async function presentSubscription(db: Db, row: SubscriptionRow): Promise<Subscription> {
  return (await presentSubscriptions(db, [row]))[0]!;
}

/**
 * A subscription by id, as `owner` may see it: `owner` is the caller's tenant, or null for
 * an admin. Another tenant's id answers 404 exactly like an unknown one.
 */
export async function findOwnedSubscription(db: Db, id: string, owner: string | null): Promise<SubscriptionRow> {
  const row = await db
    .select()
    .from(subscriptions)
    .where(and(eq(subscriptions.id, id), owner === null ? undefined : eq(subscriptions.tenantId, owner)))
    .get();
  if (!row) throw notFound("Subscription", id);
  return row;
}

export async function findSubscription(db: Db, id: string): Promise<SubscriptionRow | undefined> {
  return db.select().from(subscriptions).where(eq(subscriptions.id, id)).get();
}

/** Whose subscription `id` is (undefined when there is none). */
export async function subscriptionTenant(db: Db, id: string): Promise<string | undefined> {
  return (await db.select({ tenantId: subscriptions.tenantId }).from(subscriptions).where(eq(subscriptions.id, id)).get())?.tenantId;
}

/**
 * The tenant's live (not canceled) subscription: for `projectId` that project's, otherwise
 * the tenant-wide one, or else the newest live one of any project.
 */
export async function findLiveSubscription(db: Db, tenantId: string, projectId?: string): Promise<SubscriptionRow | undefined> {
  const rows = await db
    .select()
    .from(subscriptions)
    .where(
      and(
        eq(subscriptions.tenantId, tenantId),
        sql`${subscriptions.status} <> 'canceled'`,
        projectId === undefined ? undefined : eq(subscriptions.projectId, projectId),
      ),
    )
    .orderBy(sql`${subscriptions.projectId} IS NOT NULL`, desc(subscriptions.createdAt), desc(subscriptions.id))
    .limit(1);
  return rows[0];
}

/** Newest first, keyset-paginated. */
export async function listSubscriptionRows(
  db: Db,
  tenantId: string,
  opts: { limit: number; cursor?: string; status?: SubscriptionStatus },
): Promise<{ rows: SubscriptionRow[]; nextCursor: string | null }> {
  const after = decodeCursor(opts.cursor);
  const rows = await db
    .select()
    .from(subscriptions)
    .where(
      and(
        eq(subscriptions.tenantId, tenantId),
        opts.status ? eq(subscriptions.status, opts.status) : undefined,
        afterCursor(after, subscriptions.createdAt, subscriptions.id, "desc"),
      ),
    )
    .orderBy(desc(subscriptions.createdAt), desc(subscriptions.id))
    .limit(opts.limit + 1);
  const page = paginate(rows, opts.limit, (r) => ({ k: r.createdAt, id: r.id }));
  return { rows: page.items, nextCursor: page.nextCursor };
}

/**
 * For a statement in another module's batch that must only hold for a live subscription: the
 * subscription's id while it is not canceled, else NULL (a NOT NULL column then fails the batch).
 */
export const liveSubscriptionId = (id: string) =>
  sql<string>`(SELECT ${subscriptions.id} FROM ${subscriptions} WHERE ${subscriptions.id} = ${id} AND ${subscriptions.status} <> 'canceled')`;

export { subscriptionWriteError } from "./store";

/** Ids of the tenants with a subscription (of any status), after `after`, in id order. */
export async function subscribedTenantIdsAfter(db: Db, after: string, limit: number): Promise<string[]> {
  const rows = await db
    .selectDistinct({ id: subscriptions.tenantId })
    .from(subscriptions)
    .where(gt(subscriptions.tenantId, after))
    .orderBy(asc(subscriptions.tenantId))
    .limit(limit);
  return rows.map((r) => r.id);
}

/** The tenant's newest subscription, live or not. */
export async function latestSubscription(db: Db, tenantId: string): Promise<SubscriptionRow | undefined> {
  return db.select().from(subscriptions).where(eq(subscriptions.tenantId, tenantId)).orderBy(desc(subscriptions.createdAt)).get();
}

/** A closed (frozen) period of the subscription: the one starting at `periodStart`, else the latest. */
export async function findClosedPeriod(db: Db, subscriptionId: string, periodStart?: number): Promise<PeriodRow | undefined> {
  return db
    .select()
    .from(subscriptionPeriods)
    .where(
      and(eq(subscriptionPeriods.subscriptionId, subscriptionId), periodStart === undefined ? undefined : eq(subscriptionPeriods.periodStart, periodStart)),
    )
    .orderBy(desc(subscriptionPeriods.periodStart))
    .get();
}

/** The closed period `at` lies inside or ends (start < at ≤ end). */
export async function closedPeriodAt(db: Db, subscriptionId: string, at: number): Promise<PeriodRow | undefined> {
  return db
    .select()
    .from(subscriptionPeriods)
    .where(and(eq(subscriptionPeriods.subscriptionId, subscriptionId), lt(subscriptionPeriods.periodStart, at), gte(subscriptionPeriods.periodEnd, at)))
    .get();
}

/** For the batch that writes a period's invoice: the period is billed by it (once: a period already claimed stays with its invoice). */
export function claimPeriodStatement(db: Db, periodId: string, invoiceId: string) {
  return db
    .update(subscriptionPeriods)
    .set({ invoiceId })
    .where(and(eq(subscriptionPeriods.id, periodId), isNull(subscriptionPeriods.invoiceId)));
}

export type { PeriodRow, SubscriptionRow } from "./table";

/** What a subscription links: a product to a project (null: the whole tenant). */
export interface SubscriptionLink {
  projectId: string | null;
  productId: string | null;
}

/** The project and product each of these subscriptions links, by subscription id. */
export async function subscriptionLinks(db: Db, ids: readonly string[]): Promise<Map<string, SubscriptionLink>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const rows = await db
    .select({ id: subscriptions.id, projectId: subscriptions.projectId, productId: subscriptions.productId })
    .from(subscriptions)
    .where(inJson(subscriptions.id, unique));
  return new Map(rows.map(({ id, ...link }) => [id, link]));
}

/** The project and product of every subscription the tenant has had, canceled ones included. */
export async function tenantSubscriptionLinks(db: Db, tenantId: string): Promise<SubscriptionLink[]> {
  return db.select({ projectId: subscriptions.projectId, productId: subscriptions.productId }).from(subscriptions).where(eq(subscriptions.tenantId, tenantId));
}
