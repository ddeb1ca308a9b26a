import { and, eq, isNull, lt, lte, or, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import type { Bindings } from "../env";
import { log } from "../http/logger";
import { webhookAttempts, webhookDeliveries, webhookEndpoints } from "./table";
import { wakeEndpoints } from "./wake";
import { EVENT_RETENTION_MS } from "./events";

/**
 * Endpoints whose oldest pending delivery is due and that nobody is delivering to: the
 * sweep's share of the work (a wake-up that was lost, a retry whose time has come).
 */
export async function wakeDueEndpoints(env: Bindings, db: Db, now: number): Promise<number> {
  const rows = await db
    .selectDistinct({ id: webhookDeliveries.endpointId })
    .from(webhookDeliveries)
    .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
    .where(
      and(
        eq(webhookDeliveries.status, "pending"),
        lte(webhookDeliveries.nextAttemptAt, now),
        eq(webhookEndpoints.enabled, true),
        or(isNull(webhookEndpoints.leaseUntil), lte(webhookEndpoints.leaseUntil, now)),
        sql`NOT EXISTS (SELECT 1 FROM webhook_deliveries older WHERE older.endpoint_id = ${webhookDeliveries.endpointId}
          AND older.status = 'pending' AND older.event_seq < ${webhookDeliveries.eventSeq})`,
      ),
    )
    .limit(1000);
  await wakeEndpoints(
    env,
    rows.map((r) => r.id),
  );
  return rows.length;
}

/** The delivery log and settled deliveries are kept as long as the events they carried. */
export async function pruneDeliveries(db: Db, now: number): Promise<void> {
  const before = now - EVENT_RETENTION_MS;
  await db.batch([
    db.delete(webhookAttempts).where(lt(webhookAttempts.attemptedAt, before)),
    db.delete(webhookDeliveries).where(and(sql`${webhookDeliveries.status} <> 'pending'`, lt(webhookDeliveries.updatedAt, before))),
  ]);
  log("debug", "webhook deliveries pruned", { before });
}
