import { violates } from "../db/constraints";
import { and, asc, eq } from "drizzle-orm";
import { database } from "../db/client";
import { iso } from "../lib/time";
import type { Bindings, Principal } from "../env";
import { isAdmin } from "../http/auth";
import { ApiError, conflict, notFound } from "../http/errors";
import { formatDecimal, quantityFromNumber, toNumber, decimal } from "../metering/quantity";
import type { CheckResult, QuotaUsage } from "../metering/types";
import type { QuotaDefinition } from "./rules";
import type { CreateQuota, Quota, UpdateQuota } from "./schemas";
import { quotas, type QuotaRow } from "./table";

/** Explicit quotas one tenant may have (four periods × many metrics, with room to spare). */
export const MAX_QUOTAS_PER_TENANT = 100;

const meter = (env: Bindings, tenantId: string) => env.TENANT_METER.getByName(tenantId);
const limitText = (limit: number) => formatDecimal(quantityFromNumber(limit)!);

const toDefinition = (row: QuotaRow): QuotaDefinition => ({
  id: row.id,
  metric: row.metric,
  limit: row.limitValue,
  period: row.period,
  enforcement: row.enforcement,
  source: row.source,
});

/** The tenant's explicit quotas as its meter enforces them (the meter calls this to resync). */
export async function loadQuotaDefinitions(d1: D1Database, tenantId: string): Promise<QuotaDefinition[]> {
  const rows = await database(d1).select().from(quotas).where(eq(quotas.tenantId, tenantId)).orderBy(asc(quotas.id));
  return rows.map(toDefinition);
}

function toQuota(tenantId: string, row: QuotaRow | null, usage: QuotaUsage | undefined, plan?: QuotaUsage): Quota {
  const u = usage ?? plan;
  return {
    id: row?.id ?? plan!.quotaId,
    tenantId,
    metric: row?.metric ?? plan!.metric,
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
  return toQuota(row.tenantId, row, status.find((u) => u.quotaId === row.id));
}

/**
 * A tenant's own quota (`source: tenant`) only ever adds a limit; an admin's
 * (`source: operator`) may also override the plan's billing-period limit.
 * The meter reloads the tenant's quotas before this returns.
 */
export async function createQuota(env: Bindings, principal: Principal, input: CreateQuota, now: number): Promise<Quota> {
  const source = isAdmin(principal) ? "operator" : "tenant";
  const id = `qt_${crypto.randomUUID().replaceAll("-", "")}`;
  // One conditional statement: the per-tenant cap holds under concurrent creates.
  const row = await env.DB.prepare(
    `INSERT INTO quotas (id, tenant_id, metric, limit_value, period, enforcement, source, created_at, updated_at)
     SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8
     WHERE (SELECT COUNT(*) FROM quotas WHERE tenant_id = ?2) < ?9
     ON CONFLICT (tenant_id, metric, period, source) DO NOTHING
     RETURNING id`,
  )
    .bind(id, input.tenantId, input.metric, limitText(input.limit), input.period, input.enforcement, source, now, MAX_QUOTAS_PER_TENANT)
    .first<{ id: string }>();
  const db = database(env.DB);
  if (!row) {
    const existing = await db
      .select({ id: quotas.id })
      .from(quotas)
      .where(
        and(
          eq(quotas.tenantId, input.tenantId),
          eq(quotas.metric, input.metric),
          eq(quotas.period, input.period),
          eq(quotas.source, source),
        ),
      )
      .get();
    if (existing) {
      throw conflict(`A ${input.period} quota on ${input.metric} already exists; update it instead`, { quotaId: existing.id });
    }
    throw conflict(`A tenant may have at most ${MAX_QUOTAS_PER_TENANT} quotas`);
  }
  await meter(env, input.tenantId).syncQuotas();
  const created = (await db.select().from(quotas).where(eq(quotas.id, id)).get())!;
  return withUsage(env, created, now);
}

/** The quota `id` as the caller may see it: another tenant's is "not found", an operator's is read-only to tenants. */
async function ownedQuota(env: Bindings, principal: Principal, id: string): Promise<QuotaRow> {
  const db = database(env.DB);
  const row = await db
    .select()
    .from(quotas)
    .where(isAdmin(principal) ? eq(quotas.id, id) : and(eq(quotas.id, id), eq(quotas.tenantId, principal.tenant)))
    .get();
  if (!row) throw notFound("Quota", id);
  if (row.source === "operator" && !isAdmin(principal)) {
    throw new ApiError("FORBIDDEN", "This quota was set by the platform operator and cannot be changed by the tenant");
  }
  return row;
}

export async function updateQuota(env: Bindings, principal: Principal, id: string, patch: UpdateQuota, now: number): Promise<Quota> {
  const row = await ownedQuota(env, principal, id);
  let updated: QuotaRow | undefined;
  try {
    updated = await database(env.DB)
      .update(quotas)
      .set({
        ...(patch.limit === undefined ? {} : { limitValue: limitText(patch.limit) }),
        ...(patch.period === undefined ? {} : { period: patch.period }),
        ...(patch.enforcement === undefined ? {} : { enforcement: patch.enforcement }),
        updatedAt: now,
      })
      .where(and(eq(quotas.id, id), eq(quotas.tenantId, row.tenantId)))
      .returning()
      .get();
  } catch (err) {
    if (violates(err, "UNIQUE")) {
      throw conflict(`A ${patch.period} quota on ${row.metric} already exists`);
    }
    throw err;
  }
  if (!updated) throw notFound("Quota", id);
  await meter(env, row.tenantId).syncQuotas();
  return withUsage(env, updated, now);
}

export async function deleteQuota(env: Bindings, principal: Principal, id: string): Promise<{ id: string; deleted: true }> {
  const row = await ownedQuota(env, principal, id);
  await database(env.DB).delete(quotas).where(eq(quotas.id, id));
  await meter(env, row.tenantId).syncQuotas();
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
