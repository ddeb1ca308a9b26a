import { and, asc, eq, gt, isNull, ne, or, sql } from "drizzle-orm";
import { onRealTime, type TenantFilter } from "../clock";
import { database, type Db } from "../db/client";
import { iso } from "../lib/time";
import type { Bindings } from "../env";
import type { Principal } from "../env";
import { isAdmin } from "../http/auth";
import { invalidState, notFound } from "../http/errors";
import { log } from "../http/logger";
import { afterCursor, paginate, type Cursor } from "../http/pagination";
import { newId } from "../lib/ids";
import type { AlertCrossing, MeterAlertRule } from "../metering/alert-rules";
import { calendarWindow, type Window } from "../metering/periods";
import { decimal, formatDecimal } from "../metering/quantity";
import { readUsage } from "../metering/usage";
import { previewInvoice } from "../invoices/preview";
import { costContext, type CostContext } from "./context";
import type { CreateAlert } from "./schemas";
import { realtimeAlerts, type RealtimeAlertRow } from "./table";
import { costTimeline } from "./timeline";
import { conditionalEventStatement, ensureAlertEndpoint, onceEventId } from "../webhooks";

/**
 * Alerts on a tenant's cost or usage. A trigger belongs to one window of the alert's period
 * (the billing period, the UTC day or hour it happened in): the alert stays `triggered` (or
 * `dismissed`) until that window ends, then reads `ok` again and can fire anew.
 *
 * When they are evaluated:
 * - usage: by the tenant's meter, in the transaction of the write that makes the metered value
 *   reach the threshold (before < threshold ≤ after); the meter keeps the thresholds (pushed with
 *   `setAlerts` whenever alerts change) and returns the crossings, which are stored here.
 * - cost: on every read of `/realtime-cost/…/current` and of the alert list, when an alert is
 *   created, and by the hourly cron. Pricing a whole invoice per usage event would put D1 reads
 *   on the hot path; a cost alert may therefore fire up to an hour after the crossing write when
 *   nobody looks.
 */

export type AlertView = ReturnType<typeof toAlert>;

export function toAlert(row: RealtimeAlertRow, now: number) {
  const expired = row.state !== "ok" && row.windowEnd !== null && row.windowEnd <= now;
  const state = expired ? "ok" : row.state;
  return {
    id: row.id,
    tenantId: row.tenantId,
    name: row.name,
    type: row.type,
    metric: row.metric,
    threshold: row.type === "cost" ? row.thresholdAmount! : Number(row.thresholdQuantity!),
    period: row.period,
    channel: { webhookUrl: row.webhookUrl },
    state,
    triggeredAt: state === "ok" || row.triggeredAt === null ? null : iso(row.triggeredAt),
    dismissedAt: state === "dismissed" && row.dismissedAt !== null ? iso(row.dismissedAt) : null,
    lastValue: row.lastValue === null ? null : Number(row.lastValue),
    windowStart: state === "ok" || row.windowStart === null ? null : iso(row.windowStart),
    windowEnd: state === "ok" || row.windowEnd === null ? null : iso(row.windowEnd),
    createdAt: iso(row.createdAt),
  };
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

export async function createAlert(env: Bindings, db: Db, tenantId: string, input: CreateAlert, now: number): Promise<AlertView> {
  const id = newId("alrt");
  // The webhook is an ordinary endpoint subscribed to usage.alert.triggered (signed, retried).
  if (input.channel?.webhookUrl) await ensureAlertEndpoint(env, db, tenantId, input.channel.webhookUrl, now, "channel.webhookUrl");
  await db.insert(realtimeAlerts).values({
    id,
    tenantId,
    name: input.name ?? null,
    type: input.type,
    metric: input.type === "usage" ? input.metric! : null,
    thresholdAmount: input.type === "cost" ? input.threshold : null,
    thresholdQuantity: input.type === "usage" ? formatDecimal(decimal(String(input.threshold))) : null,
    period: input.period,
    webhookUrl: input.channel?.webhookUrl ?? null,
    createdAt: now,
    updatedAt: now,
  });
  // The meter first, then the value already reached: a write in between is seen by one or both,
  // and triggering is idempotent per window.
  if (input.type === "usage") {
    await pushAlerts(env, db, tenantId);
    const window = await usageWindow(env, db, tenantId, input.period, now);
    const usage = await readUsage(env, tenantId, { from: window.start, to: window.end, metric: input.metric!, groupBy: "metric" }, now);
    const value = usage.groups[0]?.quantity ?? "0";
    const threshold = decimal(String(input.threshold));
    if (decimal(value) >= threshold) {
      await trigger(db, tenantId, { alertId: id, value, at: now, windowStart: window.start, windowEnd: window.end });
    } else {
      await db.update(realtimeAlerts).set({ lastValue: value }).where(eq(realtimeAlerts.id, id));
    }
  } else {
    await evaluateCostAlerts(env, db, tenantId, now);
  }
  return toAlert((await db.select().from(realtimeAlerts).where(eq(realtimeAlerts.id, id)).get())!, now);
}

export async function listAlerts(env: Bindings, db: Db, tenantId: string, page: { limit: number; after?: Cursor }, now: number) {
  await evaluateCostAlerts(env, db, tenantId, now);
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

/** Dismisses a triggered alert; another tenant's alert id is not found. */
/** Whose alert `id` is (undefined when there is none). */
export async function alertTenant(db: Db, id: string): Promise<string | undefined> {
  return (await db.select({ tenantId: realtimeAlerts.tenantId }).from(realtimeAlerts).where(eq(realtimeAlerts.id, id)).get())?.tenantId;
}

export async function dismissAlert(db: Db, principal: Principal, alertId: string, now: number): Promise<AlertView> {
  const owned = isAdmin(principal) ? undefined : eq(realtimeAlerts.tenantId, principal.tenant);
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

type Trigger = Pick<AlertCrossing, "alertId" | "value" | "at" | "windowStart" | "windowEnd">;

/**
 * Marks an alert triggered for a window, unless it already is (or was dismissed) in that window:
 * one conditional UPDATE, so replays and concurrent evaluations trigger it once. Its
 * `usage.alert.triggered` event is in the same batch, written only if the UPDATE applied.
 */
async function trigger(db: Db, tenantId: string, t: Trigger): Promise<RealtimeAlertRow | undefined> {
  const mine = and(eq(realtimeAlerts.id, t.alertId), eq(realtimeAlerts.tenantId, tenantId));
  const before = await db.select().from(realtimeAlerts).where(mine).get();
  if (!before) return undefined;
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
  return row;
}

/**
 * Stores the crossings a usage write reported, then tells the meter they are stored. The meter
 * keeps them until then (in the transaction that recorded the crossing event), so a failure
 * here loses nothing: the caller's retry or the hourly sweep gets them again. Throws on failure.
 */
export async function recordAlertCrossings(env: Bindings, tenantId: string, crossings: AlertCrossing[]): Promise<void> {
  const db = database(env.DB);
  for (const c of crossings) await trigger(db, tenantId, c);
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

async function usageWindow(env: Bindings, db: Db, tenantId: string, period: RealtimeAlertRow["period"], now: number): Promise<Window> {
  if (period !== "billing_period") return calendarWindow(period, now);
  return (await costContext(env, db, tenantId, now)).period;
}

/**
 * Evaluates the tenant's cost alerts that are not triggered in their current window:
 * billing_period against the current total (the preview's, tax included; `current` passes it
 * when it has it), day/hour against the usage charges accrued in that day/hour (the timeline).
 */
export async function evaluateCostAlerts(env: Bindings, db: Db, tenantId: string, now: number, current?: { value: number; period: Window }): Promise<number> {
  const rows = await db
    .select()
    .from(realtimeAlerts)
    .where(and(eq(realtimeAlerts.tenantId, tenantId), eq(realtimeAlerts.type, "cost")));
  const armed = rows.filter((r) => toAlert(r, now).state === "ok");
  if (armed.length === 0) return 0;
  const ctx = await costContext(env, db, tenantId, now);
  if (!ctx.sub) return 0;
  let fired = 0;
  for (const r of armed) {
    const measured = await costIn(env, db, ctx, r.period, now, current);
    if (measured.value >= r.thresholdAmount!) {
      if (
        await trigger(db, tenantId, {
          alertId: r.id,
          value: String(measured.value),
          at: now,
          windowStart: measured.window.start,
          windowEnd: measured.window.end,
        })
      )
        fired++;
    } else if (r.lastValue !== String(measured.value)) {
      await db
        .update(realtimeAlerts)
        .set({ lastValue: String(measured.value) })
        .where(eq(realtimeAlerts.id, r.id));
    }
  }
  return fired;
}

async function costIn(
  env: Bindings,
  db: Db,
  ctx: CostContext,
  period: RealtimeAlertRow["period"],
  now: number,
  current?: { value: number; period: Window },
): Promise<{ value: number; window: Window }> {
  const tenantId = ctx.tenantId;
  if (period === "billing_period") {
    if (current) return { value: current.value, window: current.period };
    const draft = await previewInvoice(env, db, tenantId, undefined, now);
    return { value: draft.totals.total, window: { start: draft.periodStart, end: draft.periodEnd } };
  }
  const window = calendarWindow(period, now);
  const from = Math.max(window.start, ctx.period.start);
  const timeline = await costTimeline(env, db, tenantId, { interval: period, from, to: now }, now);
  return { value: timeline.total.amount, window };
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

/** Hourly: evaluates every tenant's cost alerts (one tenant failing does not stop the rest). */
export async function runCostAlerts(env: Bindings, db: Db, now: number, filter: TenantFilter = onRealTime): Promise<{ tenants: number; fired: number }> {
  let fired = 0;
  const tenants = await tenantsWithCostAlerts(db, 500, filter);
  for (const tenantId of tenants) {
    fired += await evaluateCostAlerts(env, db, tenantId, now).catch((err: unknown) => {
      log("warn", "alert.cost_eval_failed", { tenant: tenantId, error: err instanceof Error ? err.message : String(err) });
      return 0;
    });
  }
  return { tenants: tenants.length, fired };
}
