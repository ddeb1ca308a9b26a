import { sql } from "drizzle-orm";
import type { Db } from "../db/client";
import type { Statement } from "../outbox";
import { computedEventStatement, onceEventId } from "../webhooks";
import { creditLedger } from "./table";

/** The balance is low when it is under this share of the credit granted (and not expired) in its currency. */
export const LOW_BALANCE_PERCENT = 10;

/**
 * `credits.balance_low`, for the batch in which an invoice consumes credit: written (once per
 * invoice) when, after that batch's consumption, the tenant's unexpired balance in the
 * currency is under LOW_BALANCE_PERCENT of its unexpired grants (floored to the minor unit).
 * A balance of 0 counts; a tenant that never had credit is never told.
 */
export function creditsLowStatement(db: Db, c: { tenantId: string; currency: string; invoiceId: string; now: number }): Statement {
  const live = sql`tenant_id = ${c.tenantId} AND currency = ${c.currency} AND (expires_at IS NULL OR expires_at > ${c.now})`;
  return computedEventStatement(
    db,
    { id: onceEventId("credits.balance_low", c.invoiceId, c.currency), tenantId: c.tenantId, type: "credits.balance_low", at: c.now },
    sql`json_object('currency', ${c.currency}, 'balance', b.balance, 'threshold', b.threshold)`,
    sql`(SELECT
          (SELECT coalesce(sum(amount), 0) FROM ${creditLedger} WHERE ${live}) AS balance,
          (SELECT coalesce(sum(amount), 0) FROM ${creditLedger} WHERE ${live} AND kind = 'grant') * ${LOW_BALANCE_PERCENT} / 100 AS threshold) AS b`,
    sql`b.threshold > 0 AND b.balance < b.threshold`,
  );
}
