import { violates } from "../db/constraints";
import { ownedBy } from "../db/owned";
import { and, eq, sql } from "drizzle-orm";
import { database } from "../db/client";
import { iso } from "../lib/time";
import type { Bindings, Principal } from "../env";
import { isAdmin, ownerOf } from "../http/auth";
import { ApiError, badRequest, conflict, notFound } from "../http/errors";
import { formatDecimal, quantityFromNumber, toNumber, decimal } from "../metering/quantity";
import type { CheckResult, QuotaUsage } from "../metering/types";
import { newId } from "../lib/ids";
import { outboxSelectStatement } from "../outbox";
import { METER_QUOTAS_KIND, meterQuotasStatement, syncMeterQuotas } from "./meter-sync";
import { COST_METRIC } from "../metering/quota-rules";
import type { CreateQuota, Quota, UpdateQuota } from "./schemas";
import { quotas, type QuotaRow } from "./table";

/** Explicit quotas one tenant may have (four periods × many metrics, with room to spare). */
export const MAX_QUOTAS_PER_TENANT = 100;

const meter = (env: Bindings, tenantId: string) => env.TENANT_METER.getByName(tenantId);
const limitText = (limit: number) => formatDecimal(quantityFromNumber(limit)!);

function toQuota(tenantId: string, row: QuotaRow | null, usage: QuotaUsage | undefined, plan?: QuotaUsage): Quota {
  const u = usage ?? plan;
  const metric = row?.metric ?? plan!.metric;
  return {
    id: row?.id ?? plan!.quotaId,
    tenantId,
    type: metric === COST_METRIC ? "cost" : "usage",
    metric: metric === COST_METRIC ? null : metric,
    limit: row ? toNumber(decimal(row.limitValue)) : plan!.limit,
    period: row?.period ?? plan!.period,
    enforcement: row?.enforcement ?? plan!.enforcement,
    source: row?.source ?? "plan",
    subscriptionId: row ? null : plan!.subscriptionId,
    usage: u ? { current: u.current, remaining: u.remaining, resetsAt: u.resetsAt, exceeded: u.exceeded } : null,
    createdAt: row ? iso(row.createdAt) : null,
    updatedAt: row ? iso(row.updatedAt) : null,
  };
}

/**
 * Every quota in force for the tenant, ordered by id: its explicit quotas
 * (from D1) and the limits of its subscriptions' plans, each with its
 * utilisation in the current window.
 */
export async function listQuotas(env: Bindings, tenantId: string, now: number): Promise<Quota[]> {
  const [rows, status] = await Promise.all([
    database(env.DB).select().from(quotas).where(eq(quotas.tenantId, tenantId)),
    meter(env, tenantId).quotaStatus(now),
  ]);
  const usage = new Map(status.map((u) => [u.quotaId, u]));
  const explicit = rows.map((row) => toQuota(tenantId, row, usage.get(row.id)));
  const plan = status.filter((u) => u.source === "plan").map((u) => toQuota(tenantId, null, undefined, u));
  return [...explicit, ...plan].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

async function withUsage(env: Bindings, row: QuotaRow, now: number): Promise<Quota> {
  const status = await meter(env, row.tenantId).quotaStatus(now);
  return toQuota(
    row.tenantId,
    row,
    status.find((u) => u.quotaId === row.id),
  );
}

/**
 * A tenant's own quota (`source: tenant`) only ever adds a limit; an admin's
 * (`source: operator`) may also override the plan's billing-period limit.
 * The meter reloads the tenant's quotas before this returns.
 */
export async function createQuota(env: Bindings, principal: Principal, input: CreateQuota, now: number): Promise<Quota> {
  const source = isAdmin(principal) ? "operator" : "tenant";
  const id = newId("qt");
  const metric = input.type === "cost" ? COST_METRIC : input.metric!;
  const db = database(env.DB);
  // One conditional statement: the per-tenant cap holds under concurrent creates. The meter's
  // outbox row is written in the same batch, and only when the quota was.
  const [, [row]] = await db.batch([
    // Every column in table order.
    db
      .insert(quotas)
      .select(
        sql`SELECT ${id}, ${input.tenantId}, ${metric}, ${limitText(input.limit)}, ${input.period}, ${input.enforcement}, ${source}, ${now}, ${now}
          WHERE (SELECT COUNT(*) FROM ${quotas} WHERE ${quotas.tenantId} = ${input.tenantId}) < ${MAX_QUOTAS_PER_TENANT}`,
      )
      .onConflictDoNothing(),
    db.select({ id: quotas.id }).from(quotas).where(eq(quotas.id, id)),
    outboxSelectStatement(
      db,
      { id: newId("obx", now), tenantId: input.tenantId, kind: METER_QUOTAS_KIND, at: now },
      sql`json_object('tenantId', ${input.tenantId})`,
      sql`${quotas}`,
      eq(quotas.id, id),
    ),
  ]);
  if (!row) {
    const existing = await db
      .select({ id: quotas.id })
      .from(quotas)
      .where(and(eq(quotas.tenantId, input.tenantId), eq(quotas.metric, metric), eq(quotas.period, input.period), eq(quotas.source, source)))
      .get();
    if (existing) {
      const what = input.type === "cost" ? "cost cap" : `quota on ${metric}`;
      throw conflict(`A ${input.period} ${what} already exists; update it instead`, { quotaId: existing.id });
    }
    throw conflict(`A tenant may have at most ${MAX_QUOTAS_PER_TENANT} quotas`);
  }
  await syncMeterQuotas(env, db, input.tenantId);
  const created = (await db.select().from(quotas).where(eq(quotas.id, id)).get())!;
  return withUsage(env, created, now);
}

/** Whose quota `id` is (undefined when there is none). */
export async function quotaTenant(env: Bindings, id: string): Promise<string | undefined> {
  return (await database(env.DB).select({ tenantId: quotas.tenantId }).from(quotas).where(eq(quotas.id, id)).get())?.tenantId;
}

/** The quota `id` as the caller may see it: another tenant's is "not found", an operator's is read-only to tenants. */
async function ownedQuota(env: Bindings, principal: Principal, id: string): Promise<QuotaRow> {
  const db = database(env.DB);
  const row = await db
    .select()
    .from(quotas)
    .where(and(eq(quotas.id, id), ownedBy(quotas.tenantId, ownerOf(principal))))
    .get();
  if (!row) throw notFound("Quota", id);
  if (row.source === "operator" && !isAdmin(principal)) {
    throw new ApiError("FORBIDDEN", "This quota was set by the platform operator and cannot be changed by the tenant");
  }
  return row;
}

export async function updateQuota(env: Bindings, principal: Principal, id: string, patch: UpdateQuota, now: number): Promise<Quota> {
  const row = await ownedQuota(env, principal, id);
  if (row.metric === COST_METRIC) assertCostCap(patch);
  const db = database(env.DB);
  let updated: QuotaRow | undefined;
  try {
    const [rows] = await db.batch([
      db
        .update(quotas)
        .set({
          ...(patch.limit === undefined ? {} : { limitValue: limitText(patch.limit) }),
          ...(patch.period === undefined ? {} : { period: patch.period }),
          ...(patch.enforcement === undefined ? {} : { enforcement: patch.enforcement }),
          updatedAt: now,
        })
        .where(and(eq(quotas.id, id), eq(quotas.tenantId, row.tenantId)))
        .returning(),
      meterQuotasStatement(db, row.tenantId, now),
    ]);
    updated = rows[0];
  } catch (err) {
    if (violates(err, "UNIQUE")) {
      throw conflict(`A ${patch.period} quota on ${row.metric} already exists`);
    }
    throw err;
  }
  if (!updated) throw notFound("Quota", id);
  await syncMeterQuotas(env, db, row.tenantId);
  return withUsage(env, updated, now);
}

/** A cost cap stays in whole minor units over the billing period. */
function assertCostCap(patch: UpdateQuota): void {
  if (patch.limit !== undefined && !Number.isInteger(patch.limit)) {
    throw badRequest("A cost cap is in whole minor units", [{ path: "limit", message: "must be an integer (minor units)", code: "custom" }]);
  }
  if (patch.period !== undefined && patch.period !== "billing_period") {
    throw badRequest("A cost cap runs over the billing period", [{ path: "period", message: "must be billing_period", code: "custom" }]);
  }
}

export async function deleteQuota(env: Bindings, principal: Principal, id: string, now: number): Promise<{ id: string; deleted: true }> {
  const row = await ownedQuota(env, principal, id);
  const db = database(env.DB);
  await db.batch([db.delete(quotas).where(eq(quotas.id, id)), meterQuotasStatement(db, row.tenantId, now)]);
  await syncMeterQuotas(env, db, row.tenantId);
  return { id, deleted: true };
}

export async function checkQuota(
  env: Bindings,
  tenantId: string,
  q: { metric: string; quantity: number; projectId?: string },
  now: number,
): Promise<CheckResult> {
  return meter(env, tenantId).check({ metric: q.metric, quantity: limitText(q.quantity), projectId: q.projectId ?? null }, now);
}
