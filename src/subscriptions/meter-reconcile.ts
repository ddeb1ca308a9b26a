import { and, asc, eq, gt, gte, or, sql } from "drizzle-orm";
import { database, type Db } from "../db/client";
import type { Bindings } from "../env";
import { log } from "../http/logger";
import { pushPlanState, type MeterPlanState } from "../metering/plan-state";
import { meterStateOf } from "./meter-sync";
import { findSubscription } from "./queries";
import { subscriptions, type SubscriptionRow } from "./table";

/** Subscriptions canceled longer ago than this are not compared (their meters forgot them or hold them canceled). */
const RECENT_MS = 7 * 86_400_000;
const TENANTS_PER_PAGE = 100;

const fingerprint = (s: MeterPlanState) =>
  JSON.stringify([s.status, s.planId, s.projectId, s.periodStart, s.periodEnd, s.meters, s.features ?? [], s.currency, s.pricedFrom, s.roundingMode]);

/**
 * Hourly: compares what every tenant's meter enforces with what D1 says, subscription by
 * subscription, and pushes D1's state wherever they differ (a push that failed and was never
 * retried, a meter that lost its storage, a stale push that raced a newer one). Every repair is
 * logged as `meter.drift_repaired` with both sides.
 */
export interface Repair {
  tenant: string;
  subscriptionId: string;
  d1: Pick<MeterPlanState, "status" | "planId" | "periodEnd" | "version">;
  meter: Pick<MeterPlanState, "status" | "planId" | "periodEnd" | "version"> | null;
}

export async function reconcileMeters(env: Bindings, now: number): Promise<{ tenants: number; repaired: Repair[] }> {
  const db = database(env.DB);
  const relevant = or(sql`${subscriptions.status} <> 'canceled'`, gte(subscriptions.updatedAt, now - RECENT_MS));
  let after = "";
  let tenants = 0;
  const repaired: Repair[] = [];
  for (;;) {
    const page = await db
      .selectDistinct({ tenantId: subscriptions.tenantId })
      .from(subscriptions)
      .where(and(relevant, gt(subscriptions.tenantId, after)))
      .orderBy(asc(subscriptions.tenantId))
      .limit(TENANTS_PER_PAGE);
    for (const { tenantId } of page) {
      tenants++;
      repaired.push(
        ...(await reconcileTenant(env, db, tenantId, now).catch((err: Error) => {
          log("error", "meter.reconcile_failed", { tenant: tenantId, error: err.message });
          return [];
        })),
      );
    }
    if (page.length < TENANTS_PER_PAGE) break;
    after = page[page.length - 1]!.tenantId;
  }
  log(repaired.length ? "warn" : "info", "meter reconciliation", { tenants, repaired: repaired.length });
  return { tenants, repaired };
}

export async function reconcileTenant(env: Bindings, db: Db, tenantId: string, now: number): Promise<Repair[]> {
  const rows = await db
    .select()
    .from(subscriptions)
    .where(and(eq(subscriptions.tenantId, tenantId), or(sql`${subscriptions.status} <> 'canceled'`, gte(subscriptions.updatedAt, now - RECENT_MS))));
  const held = new Map((await env.TENANT_METER.getByName(tenantId).planStates()).map((s) => [s.subscriptionId, s]));
  // A subscription the meter still enforces as live, though D1 no longer counts it as recent.
  const extra: SubscriptionRow[] = [];
  for (const s of held.values()) {
    if (s.status !== "canceled" && !rows.some((r) => r.id === s.subscriptionId)) {
      const row = await findSubscription(db, s.subscriptionId);
      if (row) extra.push(row);
    }
  }
  const repaired: Repair[] = [];
  const sides = (s: MeterPlanState) => ({ status: s.status, planId: s.planId, periodEnd: s.periodEnd, version: s.version });
  for (const row of [...rows, ...extra]) {
    const expected = await meterStateOf(db, row);
    const actual = held.get(row.id);
    if (actual && fingerprint(actual) === fingerprint(expected)) continue;
    if (!actual && row.status === "canceled") continue;
    await pushPlanState(env, tenantId, expected);
    const repair = { tenant: tenantId, subscriptionId: row.id, d1: sides(expected), meter: actual ? sides(actual) : null };
    repaired.push(repair);
    log("warn", "meter.drift_repaired", { ...repair });
  }
  return repaired;
}
