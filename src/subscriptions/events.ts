import type { Db } from "../db/client";
import type { Statement } from "../outbox";
import { eventStatement } from "../webhooks";
import { meterStateStatement } from "./meter-sync";
import { toSubscription } from "./queries";
import type { SubscriptionRow } from "./table";

/**
 * What a subscription write adds to its own batch: the state its tenant's meter must enforce,
 * and the event integrators hear. Both are outbox rows, so they commit with the change or not
 * at all.
 */

const snapshot = (row: SubscriptionRow) => {
  const { discounts: _, ...rest } = toSubscription(row);
  return rest;
};

export function subscriptionCreatedStatements(db: Db, row: SubscriptionRow, now: number): Statement[] {
  return [
    meterStateStatement(db, row, now),
    eventStatement(db, { tenantId: row.tenantId, type: "subscription.created", data: { subscription: snapshot(row) }, at: now }),
  ];
}

/** `after` is the row as the batch will leave it (version bumped). */
export function subscriptionChangedStatements(db: Db, before: SubscriptionRow, after: SubscriptionRow, now: number): Statement[] {
  const statements = [meterStateStatement(db, after, now)];
  const was = snapshot(before) as Record<string, unknown>;
  const is = snapshot(after) as Record<string, unknown>;
  const previousAttributes = Object.fromEntries(
    Object.keys(is)
      .filter((k) => k !== "updatedAt" && JSON.stringify(was[k]) !== JSON.stringify(is[k]))
      .map((k) => [k, was[k]]),
  );
  if (after.status === "canceled" && before.status !== "canceled") {
    statements.push(eventStatement(db, { tenantId: after.tenantId, type: "subscription.canceled", data: { subscription: snapshot(after) }, at: now }));
  } else if (Object.keys(previousAttributes).length) {
    statements.push(
      eventStatement(db, { tenantId: after.tenantId, type: "subscription.updated", data: { subscription: snapshot(after), previousAttributes }, at: now }),
    );
  }
  return statements;
}
