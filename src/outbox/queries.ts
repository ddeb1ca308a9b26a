import { and, desc, eq, gte, isNull, lte, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { ownedBy } from "../db/owned";
import { afterCursor, type Cursor } from "../http/pagination";
import { outbox, type OutboxRow } from "./table";

/**
 * Reads and marks for the modules whose rows the outbox carries: the webhooks module's event log
 * (kind "event"), the meter pushes of subscriptions and quotas. The table stays this module's.
 */

/** The newest row of `kind` for the tenant, by seq, as a query for the caller's read batch. */
export const newestOfKindQuery = (db: Db, kind: string, tenantId: string) =>
  db
    .select({ seq: outbox.seq })
    .from(outbox)
    .where(and(eq(outbox.kind, kind), eq(outbox.tenantId, tenantId)))
    .orderBy(desc(outbox.seq))
    .limit(1);

/**
 * Marks the tenant's pending rows of `kind` done that a push already covered: those up to seq
 * `throughSeq`, or those whose payload names `payload.key` = `payload.is` at a `payload.version`
 * up to `payload.atMost`.
 */
export async function markCoveredDone(
  db: Db,
  kind: string,
  tenantId: string,
  covered: { throughSeq: number } | { payload: { key: string; is: string; versionAtMost: number } },
  now: number,
): Promise<void> {
  const which =
    "throughSeq" in covered
      ? lte(outbox.seq, covered.throughSeq)
      : and(
          sql`json_extract(${outbox.payload}, ${`$.${covered.payload.key}`}) = ${covered.payload.is}`,
          lte(sql`json_extract(${outbox.payload}, '$.version')`, covered.payload.versionAtMost),
        );
  await db
    .update(outbox)
    .set({ doneAt: now })
    .where(and(eq(outbox.kind, kind), eq(outbox.tenantId, tenantId), isNull(outbox.doneAt), which));
}

/** Tenants with a row of `kind` still kept. */
export async function tenantsWithKind(db: Db, kind: string): Promise<string[]> {
  const rows = await db.selectDistinct({ tenantId: outbox.tenantId }).from(outbox).where(eq(outbox.kind, kind));
  return rows.map((r) => r.tenantId);
}

/** One page of the tenant's rows of `kind`, newest first (one more than `limit`, for the cursor). */
export function pageOfKind(db: Db, kind: string, tenantId: string, q: { type?: string; from?: number; after?: Cursor; limit: number }): Promise<OutboxRow[]> {
  return db
    .select()
    .from(outbox)
    .where(
      and(
        eq(outbox.kind, kind),
        eq(outbox.tenantId, tenantId),
        q.type ? eq(outbox.type, q.type) : undefined,
        q.from !== undefined ? gte(outbox.createdAt, q.from) : undefined,
        afterCursor(q.after, outbox.createdAt, outbox.id, "desc"),
      ),
    )
    .orderBy(desc(outbox.createdAt), desc(outbox.id))
    .limit(q.limit + 1);
}

/** A row by id, if it is of `kind` and (unless `owner` is null) the owner's. */
export function findOfKind(db: Db, id: string, kind: string, owner: string | null): Promise<OutboxRow | undefined> {
  return db
    .select()
    .from(outbox)
    .where(and(eq(outbox.id, id), eq(outbox.kind, kind), ownedBy(outbox.tenantId, owner)))
    .get();
}
