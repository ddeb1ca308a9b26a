import { and, eq } from "drizzle-orm";
import { database, type Db } from "../db/client";
import type { Bindings } from "../env";
import { log } from "../http/logger";
import { realtimeAlerts } from "./table";
import { triggerAlert } from "./trigger";

/**
 * Usage alerts as the TenantMeter keeps them (pushed by `pushAlerts` with `setAlerts`, stored
 * in its SQLite `meta` under `alerts`), so an event that crosses a threshold is noticed in the
 * same transaction that records it, without a D1 read on the hot path.
 */
export interface MeterAlertRule {
  alertId: string;
  metric: string;
  /** Exact decimal; the alert fires when the metered value goes from below it to at least it. */
  threshold: string;
  /** billing_period: the tenant-wide subscription's period (calendar month without one). */
  period: "billing_period" | "day" | "hour";
}

/** One alert crossed by one recorded event, in the window that contains now. */
export interface AlertCrossing {
  alertId: string;
  metric: string;
  value: string;
  threshold: string;
  at: number;
  windowStart: number;
  windowEnd: number;
}

/** Tells the tenant's meter its usage thresholds (all of them; last write wins). */
export async function pushAlerts(env: Bindings, db: Db, tenantId: string): Promise<void> {
  const rows = await db
    .select()
    .from(realtimeAlerts)
    .where(and(eq(realtimeAlerts.tenantId, tenantId), eq(realtimeAlerts.type, "usage")));
  const rules: MeterAlertRule[] = rows.map((r) => ({ alertId: r.id, metric: r.metric!, threshold: r.thresholdQuantity!, period: r.period }));
  await env.TENANT_METER.getByName(tenantId).setAlerts(rules);
}

/**
 * Stores the crossings a usage write reported, then tells the meter they are stored. The meter
 * keeps them until then (in the transaction that recorded the crossing event), so a failure
 * here loses nothing: the caller's retry or the hourly sweep gets them again. Throws on failure.
 */
export async function recordAlertCrossings(env: Bindings, tenantId: string, crossings: AlertCrossing[]): Promise<void> {
  const db = database(env.DB);
  for (const c of crossings) await triggerAlert(db, tenantId, c);
  await env.TENANT_METER.getByName(tenantId).ackAlerts(crossings.map((c) => ({ alertId: c.alertId, windowStart: c.windowStart })));
}

/** Hourly: crossings a meter still holds unacknowledged (their usage write could not store them). */
export async function sweepAlertCrossings(env: Bindings, now: number): Promise<{ tenants: number; stored: number }> {
  const db = database(env.DB);
  const tenants = await db.selectDistinct({ tenantId: realtimeAlerts.tenantId }).from(realtimeAlerts).where(eq(realtimeAlerts.type, "usage"));
  let stored = 0;
  for (const { tenantId } of tenants) {
    try {
      const pending = await env.TENANT_METER.getByName(tenantId).pendingAlerts();
      if (pending.length) {
        await recordAlertCrossings(env, tenantId, pending);
        stored += pending.length;
      }
    } catch (err) {
      log("warn", "alert.sweep_failed", { tenant: tenantId, error: (err as Error).message, at: now });
    }
  }
  return { tenants: tenants.length, stored };
}
