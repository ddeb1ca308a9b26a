import { AsyncLocalStorage } from "node:async_hooks";
import { sql, type SQL } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Db } from "../db/client";
import { newId } from "../lib/ids";
import { outbox } from "./table";

export type Statement = BatchItem<"sqlite">;

/** What a producer hands the outbox: `kind` picks the dispatcher's handler. */
export interface OutboxMessage {
  /** Give a deterministic id to make the write idempotent (a second write of it is ignored). */
  id?: string;
  tenantId: string;
  kind: string;
  /** Public event type, for kind "event". */
  type?: string;
  payload: unknown;
  at: number;
}

/**
 * The statement that records `message`, to put in the caller's own `db.batch([...])` next to
 * the change it describes: both commit or neither does. The dispatcher is woken after the
 * request (or job) that wrote it; the minutely sweep catches whatever that wake-up missed.
 */
export function outboxStatement(db: Db, message: OutboxMessage): Statement {
  const id = message.id ?? newId(message.kind === "event" ? "evt" : "obx");
  noteWritten(id);
  return db
    .insert(outbox)
    .values({
      id,
      tenantId: message.tenantId,
      kind: message.kind,
      type: message.type ?? null,
      payload: message.payload,
      createdAt: message.at,
      // Dispatch runs on real time, even for a tenant on a test clock (whose `at` is the clock's).
      availableAt: Date.now(),
    })
    .onConflictDoNothing({ target: outbox.id });
}

/**
 * Like outboxStatement, with the payload computed by the database in the same batch, after
 * the statements before it: `payload` is a JSON expression over the row(s) of `from` that
 * match `where`, and nothing is written when none does (e.g. unless the invoice really is paid).
 */
export function outboxSelectStatement(db: Db, message: Omit<OutboxMessage, "payload"> & { id: string }, payload: SQL, from: SQL, where: SQL): Statement {
  noteWritten(message.id);
  // Every column in table order (seq NULL = the next one). The WHERE also keeps SQLite from
  // reading ON CONFLICT as a join constraint.
  return db
    .insert(outbox)
    .select(
      sql`SELECT NULL, ${message.id}, ${message.tenantId}, ${message.kind}, ${message.type ?? null}, ${payload},
        ${message.at}, ${Date.now()}, 0, NULL, NULL FROM ${from} WHERE ${where} LIMIT 1`,
    )
    .onConflictDoNothing({ target: outbox.id });
}

// ── wake-ups ─────────────────────────────────────────────────────────────────

const written = new AsyncLocalStorage<string[]>();

function noteWritten(id: string): void {
  written.getStore()?.push(id);
}

/**
 * Runs `fn` (a request, a queue batch, a cron job) and afterwards hands the ids of the outbox
 * rows it wrote to `wake`, which should not delay the caller (ctx.waitUntil). Rows of a batch
 * that failed are among them; the dispatcher simply does not find those.
 */
export async function collectingOutboxWrites<T>(fn: () => Promise<T>, wake: (ids: string[]) => void): Promise<T> {
  const ids: string[] = [];
  try {
    return await written.run(ids, fn);
  } finally {
    if (ids.length) wake([...new Set(ids)]);
  }
}
