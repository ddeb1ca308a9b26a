import { and, eq, isNull, ne, or, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { log } from "../http/logger";
import { conditionalEventStatement, onceEventId } from "../webhooks";
import { realtimeAlerts } from "./table";
import { toAlert } from "./view";

/** An alert's value reaching its threshold at `at`, in the window of its period that holds `at`. */
export interface AlertTrigger {
  alertId: string;
  value: string;
  at: number;
  windowStart: number;
  windowEnd: number;
}

/**
 * Marks an alert triggered for a window, unless it already is (or was dismissed) in that window:
 * one conditional UPDATE, so replays and concurrent evaluations trigger it once. Its
 * `usage.alert.triggered` event is in the same batch, written only if the UPDATE applied.
 * True when this call triggered it.
 */
export async function triggerAlert(db: Db, tenantId: string, t: AlertTrigger): Promise<boolean> {
  const mine = and(eq(realtimeAlerts.id, t.alertId), eq(realtimeAlerts.tenantId, tenantId));
  const before = await db.select().from(realtimeAlerts).where(mine).get();
  if (!before) return false;
  const set = {
    state: "triggered" as const,
    triggeredAt: t.at,
    dismissedAt: null,
    lastValue: t.value,
    windowStart: t.windowStart,
    windowEnd: t.windowEnd,
    updatedAt: t.at,
  };
  const [rows] = await db.batch([
    db
      .update(realtimeAlerts)
      .set(set)
      .where(and(mine, or(eq(realtimeAlerts.state, "ok"), isNull(realtimeAlerts.windowStart), ne(realtimeAlerts.windowStart, t.windowStart))))
      .returning(),
    conditionalEventStatement(
      db,
      {
        id: onceEventId("usage.alert.triggered", t.alertId, String(t.windowStart)),
        tenantId,
        type: "usage.alert.triggered",
        data: { alert: toAlert({ ...before, ...set }, t.at) },
        at: t.at,
      },
      sql`${realtimeAlerts}`,
      and(mine, eq(realtimeAlerts.state, "triggered"), eq(realtimeAlerts.windowStart, t.windowStart), eq(realtimeAlerts.triggeredAt, t.at))!,
    ),
  ]);
  const row = rows[0];
  if (row) log("info", "alert.triggered", { tenant: tenantId, alertId: row.id, type: row.type, value: t.value });
  return row !== undefined;
}
