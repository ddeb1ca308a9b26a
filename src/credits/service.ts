import type { Db } from "../db/client";
import { iso } from "../lib/time";
import { badRequest } from "../http/errors";
import { findOwnedSubscription } from "../subscriptions/queries";
import type { AddCredits } from "../subscriptions/schemas";
import { creditBalance, grantCredit } from "./ledger";
import type { CreditGrant, CreditMovement } from "./schemas";
import type { CreditMovementRow } from "./table";

export const toMovement = (row: CreditMovementRow): CreditMovement => ({
  id: row.id,
  kind: row.kind,
  amount: row.amount,
  currency: row.currency,
  reason: row.reason,
  grantId: row.grantId,
  expiresAt: row.expiresAt === null ? null : iso(row.expiresAt),
  subscriptionId: row.subscriptionId,
  invoiceId: row.invoiceId,
  createdAt: iso(row.createdAt),
});

/** Grants credit to the subscription's tenant, in the subscription's currency (the only one its invoices can use). */
export async function addCredits(db: Db, owner: string | null, subscriptionId: string, input: AddCredits, actor: string, now: number): Promise<CreditGrant> {
  const row = await findOwnedSubscription(db, subscriptionId, owner);
  const currency = input.currency ?? row.currency;
  if (currency !== row.currency) {
    throw badRequest(`The subscription bills in ${row.currency}`, [{ path: "currency", message: `must be ${row.currency}`, code: "custom" }]);
  }
  if (input.expiresAt !== undefined && input.expiresAt <= now) {
    throw badRequest("expiresAt must lie in the future", [{ path: "expiresAt", message: "must lie in the future", code: "custom" }]);
  }
  const movement = await grantCredit(
    db,
    {
      tenantId: row.tenantId,
      currency,
      amount: input.amount,
      reason: input.reason,
      expiresAt: input.expiresAt ?? null,
      subscriptionId: row.id,
      createdBy: actor,
    },
    now,
  );
  return { tenantId: row.tenantId, currency, balance: await creditBalance(db, row.tenantId, currency, now), movement: toMovement(movement) };
}
