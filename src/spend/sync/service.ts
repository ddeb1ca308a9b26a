import { and, desc, eq, lt, or, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { iso } from "../../lib/time";
import { conflict, notFound } from "../../http/errors";
import { log } from "../../http/logger";
import { decodeCursor, paginate } from "../../http/pagination";
import { isCurrency, minorUnitExponent } from "../../lib/currency";
import { add, roundScaled, type Dec } from "../../lib/decimal";
import { dayStart } from "../dates";
import { statement, transaction } from "../d1";
import { newSeedId } from "../../lib/ids";
import { spendSyncJobs, type SpendSyncJobRow } from "../table";
import { ProviderError, type CostLine } from "./adapter";
import { adapterFor, type SyncProvider } from "./registry";
import type { SyncJob } from "./schemas";
import { eventStatement } from "../../webhooks";

/** spend.sync.completed / spend.sync.failed, written with the job's final state. */
function spendSyncEvent(
  db: Db,
  job: {
    id: string;
    tenantId: string;
    provider: string;
    trigger: string;
    status: "completed" | "failed";
    itemsCreated: number;
    itemsUpdated: number;
    error: string | null;
    startedAt: number;
    completedAt: number;
  },
) {
  return eventStatement(db, {
    tenantId: job.tenantId,
    type: job.status === "completed" ? "spend.sync.completed" : "spend.sync.failed",
    data: {
      job: {
        id: job.id,
        provider: job.provider,
        status: job.status,
        trigger: job.trigger,
        itemsCreated: job.itemsCreated,
        itemsUpdated: job.itemsUpdated,
        error: job.error,
        startedAt: iso(job.startedAt),
        completedAt: iso(job.completedAt),
      },
    },
    at: job.completedAt,
  });
}

/** A running job older than this is taken to have died (the Worker was evicted mid-sync). */
export const STALE_JOB_MS = 15 * 60_000;
const UPSERT_CHUNK = 400;

export interface SyncRun {
  tenantId: string;
  provider: SyncProvider;
  token: string;
  from: string;
  to: string;
  options: Record<string, unknown>;
  trigger: "manual" | "scheduled";
  requestedBy: string;
}

export interface SyncDeps {
  fetch: typeof fetch;
  clock: () => number;
}

export const toJob = (row: SpendSyncJobRow): SyncJob => ({
  id: row.id,
  tenantId: row.tenantId,
  provider: row.provider,
  status: row.status,
  trigger: row.trigger,
  from: row.rangeFrom,
  to: row.rangeTo,
  options: row.options,
  itemsCreated: row.itemsCreated,
  itemsUpdated: row.itemsUpdated,
  itemsUnchanged: row.itemsUnchanged,
  startedAt: iso(row.startedAt),
  completedAt: row.completedAt === null ? null : iso(row.completedAt),
  error: row.error,
  requestedBy: row.requestedBy,
});

/** Replaces every occurrence of the credential (and of each part of a composite one) in `text`. */
export function redact(text: string, token: string): string {
  const secrets = [token, ...token.split(":")].filter((s) => s.length >= 6).sort((a, b) => b.length - a.length);
  return secrets.reduce((out, secret) => out.split(secret).join("[redacted]"), text);
}

/** One synced item: a provider's lines for one (account, day, service), summed exactly. */
export interface SyncedItem {
  ref: string;
  day: string;
  account: string;
  service: string;
  currency: string;
  amount: number;
}

/**
 * Sums the lines per (account, day, service) in exact decimals and converts each sum to
 * integer minor units once (half to even). The providerRef is derived from that key, so the
 * same provider figures always land on the same item. Two currencies under one key are
 * refused rather than added.
 */
export function aggregate(provider: string, lines: CostLine[]): SyncedItem[] {
  const groups = new Map<string, { line: CostLine; total: Dec }>();
  for (const line of lines) {
    const key = `${line.account}\u0000${line.day}\u0000${line.service}`;
    const group = groups.get(key);
    if (!group) {
      groups.set(key, { line, total: line.amount });
      continue;
    }
    if (group.line.currency !== line.currency || group.line.unit !== line.unit) {
      throw new ProviderError(
        `${provider} reported ${group.line.currency} and ${line.currency} for ${line.service} on ${line.day}; currencies are never added together`,
      );
    }
    group.total = add(group.total, line.amount);
  }
  return [...groups.values()].map(({ line, total }) => {
    if (!isCurrency(line.currency))
      throw new ProviderError(`${provider} reported an unknown currency ${JSON.stringify(line.currency)} for ${line.service} on ${line.day}`);
    const minor = roundScaled(total, line.unit === "major" ? minorUnitExponent(line.currency) : 0, "half_even");
    if (minor > BigInt(Number.MAX_SAFE_INTEGER) || -minor > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new ProviderError(`${provider} reported an amount out of range for ${line.service} on ${line.day}`);
    }
    return {
      ref: `${provider}:${line.account}:${line.day}:${line.service}`,
      day: line.day,
      account: line.account,
      service: line.service,
      currency: line.currency,
      amount: Number(minor),
    };
  });
}

/**
 * Upserts synced items in one transaction. A line that matches an item with the same amount
 * writes nothing; a zero line with no item creates none. Only the amount is refreshed on
 * an existing item, so a name, category or tags edited by hand survive re-syncs.
 * RETURNING tells created (sync_job_id is this job) from updated rows; unchanged rows return nothing.
 */
async function upsertItems(db: Db, run: SyncRun, jobId: string, label: string, accountLabel: string, items: SyncedItem[], now: number) {
  const statements = [];
  for (let i = 0; i < items.length; i += UPSERT_CHUNK) {
    const rows = items.slice(i, i + UPSERT_CHUNK).map((item) => ({
      id: newSeedId(),
      ref: item.ref,
      name: `${label} ${item.service}`.slice(0, 200),
      description: `${label} ${item.service} on ${item.day} (${accountLabel} ${item.account}), synced from the provider`.slice(0, 2000),
      service: item.service.slice(0, 200),
      currency: item.currency,
      amount: item.amount,
      date: dayStart(item.day)!,
    }));
    statements.push(
      statement(
        db,
        sql`
        INSERT INTO spend_items (id, tenant_id, name, amount, currency, provider, provider_ref, service, tags,
          description, recurring, author, date, sync_job_id, created_at, updated_at)
        SELECT j.value ->> '$.id', ${run.tenantId}, j.value ->> '$.name', j.value ->> '$.amount', j.value ->> '$.currency',
          ${run.provider}, j.value ->> '$.ref', j.value ->> '$.service', '["synced"]', j.value ->> '$.description', 0,
          ${run.requestedBy}, j.value ->> '$.date', ${jobId}, ${now}, ${now}
        FROM json_each(${JSON.stringify(rows)}) AS j
        WHERE j.value ->> '$.amount' <> 0 OR EXISTS (
          SELECT 1 FROM spend_items e
          WHERE e.tenant_id = ${run.tenantId} AND e.provider = ${run.provider} AND e.provider_ref = j.value ->> '$.ref')
        ON CONFLICT (tenant_id, provider, provider_ref) DO UPDATE
          SET amount = excluded.amount, currency = excluded.currency, updated_at = excluded.updated_at
          WHERE spend_items.amount <> excluded.amount OR spend_items.currency <> excluded.currency
        RETURNING sync_job_id AS syncJobId`,
      ),
    );
  }
  if (!statements.length) return { created: 0, updated: 0 };
  const returned = (await transaction<{ syncJobId: string | null }>(db, statements)).flatMap((r) => r.results);
  const created = returned.filter((r) => r.syncJobId === jobId).length;
  return { created, updated: returned.length - created };
}

/**
 * Runs one sync to completion and returns its job. The job row is written first (at most one
 * running job per tenant and provider: a second is a 409), then the provider is read in full,
 * then all items are upserted in one transaction, so a failure at any point leaves the items
 * as they were before or fully updated, and the job `failed` with a message that never
 * contains the token.
 */
export async function runSync(db: Db, run: SyncRun, deps: SyncDeps): Promise<SyncJob> {
  const adapter = adapterFor(run.provider);
  const jobId = newSeedId();
  const startedAt = deps.clock();
  const mine = and(eq(spendSyncJobs.tenantId, run.tenantId), eq(spendSyncJobs.provider, run.provider), eq(spendSyncJobs.status, "running"));
  const [, started] = await transaction(db, [
    statement(
      db,
      db
        .update(spendSyncJobs)
        .set({ status: "failed", error: "Abandoned: did not finish within 15 minutes", completedAt: startedAt })
        .where(and(mine, lt(spendSyncJobs.startedAt, startedAt - STALE_JOB_MS))),
    ),
    statement(
      db,
      sql`
      INSERT INTO spend_sync_jobs (id, tenant_id, provider, status, trigger, range_from, range_to, options, requested_by, started_at)
      SELECT ${jobId}, ${run.tenantId}, ${run.provider}, 'running', ${run.trigger}, ${run.from}, ${run.to},
        ${JSON.stringify(run.options)}, ${run.requestedBy}, ${startedAt}
      WHERE NOT EXISTS (SELECT 1 FROM spend_sync_jobs WHERE ${mine})
      RETURNING id`,
    ),
  ]);
  if (started!.results.length === 0) throw conflict(`A ${run.provider} sync is already running for tenant ${run.tenantId}`);

  let counts = { created: 0, updated: 0 };
  let items: SyncedItem[] = [];
  let error: string | null = null;
  try {
    const lines = await adapter.fetchCosts({ token: run.token, from: run.from, to: run.to, options: run.options, fetch: deps.fetch });
    items = aggregate(run.provider, lines);
    counts = await upsertItems(db, run, jobId, adapter.label, adapter.accountLabel, items, startedAt);
  } catch (err) {
    // Only ProviderError messages are written for the caller; anything else is a bug or a
    // storage failure, logged (redacted) and summarised.
    const message = err instanceof Error ? redact(err.message, run.token) : "unknown error";
    error = err instanceof ProviderError ? message : `${adapter.label} sync failed while storing items (see logs, job ${jobId})`;
    if (!(err instanceof ProviderError)) log("error", "spend sync failed", { jobId, tenant: run.tenantId, provider: run.provider, error: message });
  }
  const completedAt = deps.clock();
  const [[finished]] = await db.batch([
    db
      .update(spendSyncJobs)
      .set({
        status: error ? "failed" : "completed",
        itemsCreated: counts.created,
        itemsUpdated: counts.updated,
        itemsUnchanged: error ? 0 : items.length - counts.created - counts.updated,
        error,
        completedAt,
      })
      .where(eq(spendSyncJobs.id, jobId))
      .returning(),
    spendSyncEvent(db, {
      id: jobId,
      ...run,
      status: error ? "failed" : "completed",
      itemsCreated: counts.created,
      itemsUpdated: counts.updated,
      error,
      startedAt,
      completedAt,
    }),
  ]);
  log(error ? "warn" : "info", "spend sync", {
    jobId,
    tenant: run.tenantId,
    provider: run.provider,
    trigger: run.trigger,
    status: finished!.status,
    itemsCreated: counts.created,
    itemsUpdated: counts.updated,
  });
  return toJob(finished!);
}

/** Records a sync that could not start (e.g. a scheduled source whose secret is missing). */
export async function recordFailedJob(db: Db, run: Omit<SyncRun, "token">, error: string, now: number): Promise<SyncJob> {
  const id = newSeedId();
  const [[row]] = await db.batch([
    db
      .insert(spendSyncJobs)
      .values({
        id,
        tenantId: run.tenantId,
        provider: run.provider,
        status: "failed",
        trigger: run.trigger,
        rangeFrom: run.from,
        rangeTo: run.to,
        options: run.options,
        requestedBy: run.requestedBy,
        error,
        startedAt: now,
        completedAt: now,
      })
      .returning(),
    spendSyncEvent(db, { id, ...run, status: "failed", itemsCreated: 0, itemsUpdated: 0, error, startedAt: now, completedAt: now }),
  ]);
  return toJob(row!);
}

export async function listJobs(db: Db, tenantId: string | null, provider: string | undefined, page: { limit: number; cursor?: string }) {
  const cursor = decodeCursor(page.cursor);
  const rows = await db
    .select()
    .from(spendSyncJobs)
    .where(
      and(
        tenantId === null ? undefined : eq(spendSyncJobs.tenantId, tenantId),
        provider === undefined ? undefined : eq(spendSyncJobs.provider, provider),
        cursor === undefined
          ? undefined
          : or(lt(spendSyncJobs.startedAt, Number(cursor.k)), and(eq(spendSyncJobs.startedAt, Number(cursor.k)), lt(spendSyncJobs.id, cursor.id))),
      ),
    )
    .orderBy(desc(spendSyncJobs.startedAt), desc(spendSyncJobs.id))
    .limit(page.limit + 1);
  const { items, nextCursor } = paginate(rows, page.limit, (r) => ({ k: r.startedAt, id: r.id }));
  return { items: items.map(toJob), nextCursor };
}

export async function getJob(db: Db, tenantId: string | null, id: string): Promise<SyncJob> {
  const row = await db
    .select()
    .from(spendSyncJobs)
    .where(and(eq(spendSyncJobs.id, id), tenantId === null ? undefined : eq(spendSyncJobs.tenantId, tenantId)))
    .get();
  if (!row) throw notFound("Sync job", id);
  return toJob(row);
}
