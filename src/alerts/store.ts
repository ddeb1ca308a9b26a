import { and, asc, eq, gt } from "drizzle-orm";
import { onRealTime, type TenantFilter } from "../clock";
import type { Db } from "../db/client";
import type { Bindings, Principal } from "../env";
import { ownerOf } from "../http/auth";
import { ownedBy } from "../db/owned";
import { invalidState, notFound } from "../http/errors";
import { afterCursor, paginate, type Cursor } from "../http/pagination";
import { newId } from "../lib/ids";
import { ensureAlertEndpoint } from "../webhooks";
import { realtimeAlerts } from "./table";
import { toAlert, type AlertView } from "./view";

export type NewAlert = Pick<typeof realtimeAlerts.$inferInsert, "name" | "type" | "metric" | "thresholdAmount" | "thresholdQuantity" | "period" | "webhookUrl">;

/** Stores a new alert (armed) and returns its id. */
export async function insertAlert(env: Bindings, db: Db, tenantId: string, alert: NewAlert, now: number): Promise<string> {
  const id = newId("alrt");
  // The webhook is an ordinary endpoint subscribed to usage.alert.triggered (signed, retried).
  if (alert.webhookUrl) await ensureAlertEndpoint(env, db, tenantId, alert.webhookUrl, now, "channel.webhookUrl");
  await db.insert(realtimeAlerts).values({ id, tenantId, ...alert, createdAt: now, updatedAt: now });
  return id;
}

export async function findAlert(db: Db, id: string, now: number): Promise<AlertView | undefined> {
  const row = await db.select().from(realtimeAlerts).where(eq(realtimeAlerts.id, id)).get();
  return row && toAlert(row, now);
}

/** The value an alert was last evaluated at, below its threshold. */
export async function setLastValue(db: Db, id: string, value: string): Promise<void> {
  await db.update(realtimeAlerts).set({ lastValue: value }).where(eq(realtimeAlerts.id, id));
}

export async function listAlerts(db: Db, tenantId: string, page: { limit: number; after?: Cursor }, now: number) {
  const after = page.after;
  const rows = await db
    .select()
    .from(realtimeAlerts)
    .where(and(eq(realtimeAlerts.tenantId, tenantId), afterCursor(after, realtimeAlerts.createdAt, realtimeAlerts.id, "asc")))
    .orderBy(asc(realtimeAlerts.createdAt), asc(realtimeAlerts.id))
    .limit(page.limit + 1);
  const { items, nextCursor } = paginate(rows, page.limit, (r) => ({ k: r.createdAt, id: r.id }));
  return { items: items.map((r) => toAlert(r, now)), nextCursor };
}

/** Whose alert `id` is (undefined when there is none). */
export async function alertTenant(db: Db, id: string): Promise<string | undefined> {
  return (await db.select({ tenantId: realtimeAlerts.tenantId }).from(realtimeAlerts).where(eq(realtimeAlerts.id, id)).get())?.tenantId;
}

/** Dismisses a triggered alert; another tenant's alert id is not found. */
export async function dismissAlert(db: Db, principal: Principal, alertId: string, now: number): Promise<AlertView> {
  const owned = ownedBy(realtimeAlerts.tenantId, ownerOf(principal));
  const [row] = await db
    .update(realtimeAlerts)
    .set({ state: "dismissed", dismissedAt: now, updatedAt: now })
    .where(and(eq(realtimeAlerts.id, alertId), owned, eq(realtimeAlerts.state, "triggered"), gt(realtimeAlerts.windowEnd, now)))
    .returning();
  if (row) return toAlert(row, now);
  const existing = await db
    .select()
    .from(realtimeAlerts)
    .where(and(eq(realtimeAlerts.id, alertId), owned))
    .get();
  if (!existing) throw notFound("Alert", alertId);
  throw invalidState(`Alert ${alertId} is ${toAlert(existing, now).state}; only a triggered alert can be dismissed`, { state: toAlert(existing, now).state });
}

export interface ArmedCostAlert {
  id: string;
  period: AlertView["period"];
  /** Minor units. */
  threshold: number;
  lastValue: string | null;
}

/** The tenant's cost alerts that are not triggered (nor dismissed) in their current window. */
export async function armedCostAlerts(db: Db, tenantId: string, now: number): Promise<ArmedCostAlert[]> {
  const rows = await db
    .select()
    .from(realtimeAlerts)
    .where(and(eq(realtimeAlerts.tenantId, tenantId), eq(realtimeAlerts.type, "cost")));
  return rows.filter((r) => toAlert(r, now).state === "ok").map((r) => ({ id: r.id, period: r.period, threshold: r.thresholdAmount!, lastValue: r.lastValue }));
}

/** Tenants with cost alerts, for the hourly cron. */
export async function tenantsWithCostAlerts(db: Db, limit = 500, tenants: TenantFilter = onRealTime): Promise<string[]> {
  const rows = await db
    .selectDistinct({ tenantId: realtimeAlerts.tenantId })
    .from(realtimeAlerts)
    .where(and(eq(realtimeAlerts.type, "cost"), tenants(realtimeAlerts.tenantId)))
    .limit(limit);
  return rows.map((r) => r.tenantId);
}
