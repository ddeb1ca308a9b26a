import { and, asc, eq, inArray, isNull, lt, lte, isNotNull, sql } from "drizzle-orm";
import { database, type Db } from "../db/client";
import type { Bindings } from "../env";
import { log } from "../http/logger";
import { outbox, type OutboxRow } from "./table";
import type { Statement } from "./statement";

/**
 * What a kind of outbox row means, as a handler: it does the work (or returns the statements
 * that do it), and the dispatcher marks the row done in the same batch as those statements.
 * A handler must be safe to run twice for one row (delivery is at least once).
 */
export type OutboxHandler = (
  env: Bindings,
  db: Db,
  row: OutboxRow,
  now: number,
) => Promise<{ statements?: Statement[]; afterCommit?: () => Promise<void> } | void>;

/** Messages on the `outbox` queue. */
export type OutboxQueueMessage = { outbox: string[] } | { endpoint: string };

/** Due rows one dispatchOutbox call takes, oldest first. */
export const SWEEP_LIMIT = 200;
/** A row that keeps failing is retried at most this far apart. */
const MAX_BACKOFF_MS = 3_600_000;

/**
 * Runs the handler of each row (given by id, or every due row) in commit order. One row
 * failing is recorded on it (attempts, last_error, a later available_at) and does not stop
 * the others.
 */
export async function dispatchOutbox(
  env: Bindings,
  handlers: Record<string, OutboxHandler>,
  now: number,
  ids?: string[],
): Promise<{ done: number; failed: number }> {
  const db = database(env.DB);
  const rows = await db
    .select()
    .from(outbox)
    .where(and(isNull(outbox.doneAt), ids ? inArray(outbox.id, ids) : lte(outbox.availableAt, now)))
    .orderBy(asc(outbox.seq))
    .limit(ids ? ids.length : SWEEP_LIMIT);
  let done = 0;
  let failed = 0;
  for (const row of rows) {
    try {
      const handler = handlers[row.kind];
      if (!handler) throw new Error(`No outbox handler for kind ${row.kind}`);
      const result = (await handler(env, db, row, now)) ?? {};
      await db.batch([
        ...(result.statements ?? []),
        db
          .update(outbox)
          .set({ doneAt: now, attempts: sql`${outbox.attempts} + 1` })
          .where(and(eq(outbox.id, row.id), isNull(outbox.doneAt))),
      ] as unknown as [Statement, ...Statement[]]);
      await result.afterCommit?.();
      done++;
    } catch (err) {
      failed++;
      const message = err instanceof Error ? err.message : String(err);
      const retryAt = now + Math.min(10_000 * 2 ** row.attempts, MAX_BACKOFF_MS);
      log("warn", "outbox.handler_failed", { id: row.id, kind: row.kind, tenant: row.tenantId, attempts: row.attempts + 1, error: message });
      await db
        .update(outbox)
        .set({ attempts: sql`${outbox.attempts} + 1`, availableAt: retryAt, lastError: message.slice(0, 500) })
        .where(eq(outbox.id, row.id))
        .catch(() => undefined);
    }
  }
  return { done, failed };
}

/** Marks rows done without running their handler (the producer already did the work itself). */
export function markOutboxDone(db: Db, ids: string[], now: number): Promise<unknown> {
  return db
    .update(outbox)
    .set({ doneAt: now })
    .where(and(inArray(outbox.id, ids), isNull(outbox.doneAt)));
}

/** Sends the ids to the outbox queue; failing that, the sweep finds them within a minute. */
export async function wakeOutbox(env: Bindings, ids: string[]): Promise<void> {
  try {
    for (let i = 0; i < ids.length; i += 100) await env.OUTBOX.send({ outbox: ids.slice(i, i + 100) } satisfies OutboxQueueMessage);
  } catch (err) {
    log("warn", "outbox.wake_failed", { rows: ids.length, error: (err as Error).message });
  }
}

/** Deletes done rows past their retention: events after `eventRetentionMs`, internal rows after a day. */
export async function pruneOutbox(db: Db, now: number, eventRetentionMs: number, eventKind: string): Promise<void> {
  await db.batch([
    db.delete(outbox).where(and(isNotNull(outbox.doneAt), eq(outbox.kind, eventKind), lt(outbox.createdAt, now - eventRetentionMs))),
    db.delete(outbox).where(and(isNotNull(outbox.doneAt), sql`${outbox.kind} <> ${eventKind}`, lt(outbox.createdAt, now - 86_400_000))),
  ]);
}
