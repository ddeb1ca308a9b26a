import { eq } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Db } from "../db/client";
import { conflict } from "../http/errors";
import { violates } from "../db/constraints";
import { bumpVersion } from "./guard";
import { subscriptionChangedStatements } from "./events";
import { subscriptions, type SubscriptionRow } from "./table";

export type Statement = BatchItem<"sqlite">;

/**
 * Writes `patch` to the subscription and runs `extra` in the same batch, all or nothing,
 * together with the change's outbox rows (the meter's new state, the integrators' event).
 * The update goes first and compares-and-bumps `version`, so if anything changed the row
 * since it was read, the batch aborts and this throws 409 CONFLICT (nothing is written).
 */
export async function commitSubscription(
  db: Db,
  row: SubscriptionRow,
  patch: Partial<SubscriptionRow>,
  now: number,
  extra: Statement[] = [],
): Promise<SubscriptionRow> {
  const update = db
    .update(subscriptions)
    .set({ ...patch, version: bumpVersion(subscriptions.version, row.version), updatedAt: now })
    .where(eq(subscriptions.id, row.id))
    .returning();
  try {
    const after = { ...row, ...patch, version: row.version + 1, updatedAt: now };
    const [rows] = await db.batch([update, ...extra, ...subscriptionChangedStatements(db, row, after, now)]);
    return rows[0]!;
  } catch (err) {
    throw subscriptionWriteError(err);
  }
}

/** Maps a failed subscription batch to the API error it stands for (or rethrows it). */
export function subscriptionWriteError(err: unknown): unknown {
  if (violates(err, "subscriptions.version")) {
    return conflict("The subscription was changed by another request at the same time; fetch it and retry");
  }
  if (violates(err, "subscriptions_live", "subscriptions.tenant_id")) {
    return conflict("The tenant already has a live subscription (for this project); cancel it or change its plan instead");
  }
  if (violates(err, "subscription_discounts.subscription_id")) {
    return conflict("The subscription was canceled by another request at the same time");
  }
  return err;
}
