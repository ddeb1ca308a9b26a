import { asc, eq } from "drizzle-orm";
import type { Db } from "../db/client";
import type { Bindings } from "../env";
import { log } from "../http/logger";
import { markCoveredDone, newestOfKindQuery, outboxStatement, tenantsWithKind, type OutboxHandler, type Statement } from "../outbox";
import type { QuotaDefinition } from "../metering/quota-rules";
import { quotas } from "./table";

/**
 * The explicit quotas the tenant's meter enforces, pushed like its plan state (the meter never
 * reads D1, so its hot path never waits on it). Every quota write puts a `meter.quotas` outbox
 * row in its own batch; after the write the request pushes the tenant's whole set at once and
 * marks the rows done; if that fails, the dispatcher pushes what D1 holds then, until it lands.
 * A push carries the outbox seq of the newest quota write it includes (its version), read in
 * one snapshot with the quotas, so a late push of an older set never replaces a newer one.
 */
export const METER_QUOTAS_KIND = "meter.quotas";

export interface MeterQuotas {
  quotas: QuotaDefinition[];
  /** The newest `meter.quotas` outbox seq this set includes (0: none yet). */
  version: number;
}

export function meterQuotasStatement(db: Db, tenantId: string, now: number): Statement {
  return outboxStatement(db, { tenantId, kind: METER_QUOTAS_KIND, payload: { tenantId }, at: now });
}

/** The tenant's quotas as D1 holds them now, with their version (one read snapshot). */
export async function meterQuotasOf(db: Db, tenantId: string): Promise<MeterQuotas> {
  const [rows, newest] = await db.batch([
    db.select().from(quotas).where(eq(quotas.tenantId, tenantId)).orderBy(asc(quotas.id)),
    newestOfKindQuery(db, METER_QUOTAS_KIND, tenantId),
  ]);
  return {
    quotas: rows.map((row) => ({
      id: row.id,
      metric: row.metric,
      limit: row.limitValue,
      period: row.period,
      enforcement: row.enforcement,
      source: row.source,
    })),
    version: newest[0]?.seq ?? 0,
  };
}

async function push(env: Bindings, db: Db, tenantId: string): Promise<number> {
  const state = await meterQuotasOf(db, tenantId);
  await env.TENANT_METER.getByName(tenantId).setQuotas(state.quotas, state.version);
  return state.version;
}

/** After a quota write committed: the meter enforces it before the response; a failure is left to the outbox. */
export async function syncMeterQuotas(env: Bindings, db: Db, tenantId: string): Promise<void> {
  let version: number;
  try {
    version = await push(env, db, tenantId);
  } catch (err) {
    log("warn", "meter.quotas_push_deferred", { tenant: tenantId, error: (err as Error).message });
    return;
  }
  await markCoveredDone(db, METER_QUOTAS_KIND, tenantId, { throughSeq: version }, Date.now()).catch((err: Error) =>
    log("warn", "meter.quotas_mark_failed", { tenant: tenantId, error: err.message }),
  );
}

/** The outbox handler: pushes the set D1 holds now. */
export const deliverMeterQuotas: OutboxHandler = async (env, db, row) => {
  await push(env, db, (row.payload as { tenantId: string }).tenantId);
};

/**
 * The hourly reconciliation's part: pushes D1's set where the meter holds another one. Done
 * outbox rows are pruned after a day, so D1's version may be older than the meter's: the
 * repair is sent at the newer of the two (a write racing it still carries a newer one).
 */
export async function reconcileMeterQuotas(env: Bindings, db: Db, tenantId: string): Promise<boolean> {
  const meter = env.TENANT_METER.getByName(tenantId);
  const held = await meter.quotaState();
  const expected = await meterQuotasOf(db, tenantId);
  // Both sides list their quotas by id.
  if (JSON.stringify(held.quotas) === JSON.stringify(expected.quotas)) return false;
  await meter.setQuotas(expected.quotas, Math.max(held.version, expected.version));
  log("warn", "meter.quotas_drift_repaired", { tenant: tenantId, d1: expected.quotas.length, meter: held.quotas.length });
  return true;
}

/** Hourly: reconciles every tenant that has quotas, or had a quota write in the last day. */
export async function reconcileAllMeterQuotas(env: Bindings, db: Db): Promise<{ tenants: number; repaired: number }> {
  const withQuotas = await db.selectDistinct({ tenantId: quotas.tenantId }).from(quotas);
  const tenants = new Set([...withQuotas.map((r) => r.tenantId), ...(await tenantsWithKind(db, METER_QUOTAS_KIND))]);
  let repaired = 0;
  for (const tenantId of tenants) {
    const fixed = await reconcileMeterQuotas(env, db, tenantId).catch((err: Error) => {
      log("error", "meter.quotas_reconcile_failed", { tenant: tenantId, error: err.message });
      return false;
    });
    if (fixed) repaired++;
  }
  return { tenants: tenants.size, repaired };
}
