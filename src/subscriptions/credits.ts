import type { Db } from "../db/client";
import { newId } from "../lib/ids";
import type { Bindings } from "../env";
import { badRequest } from "../http/errors";
import { grantCredit, type CreditGrant } from "../wallet";
import { findOwnedSubscription } from "./queries";
import type { AddCredits } from "./schemas";

/**
 * Grants the subscription's tenant credit in the subscription's currency (the only one its
 * invoices can use): a wallet grant that leaves the wallet's policy alone, so a tenant without
 * a wallet has it used by invoices only.
 */
export async function addCredits(env: Bindings, db: Db, subscriptionId: string, input: AddCredits, actor: string, now: number): Promise<CreditGrant> {
  const row = await findOwnedSubscription(db, subscriptionId, null);
  const currency = input.currency ?? row.currency;
  if (currency !== row.currency) {
    throw badRequest(`The subscription bills in ${row.currency}`, [{ path: "currency", message: `must be ${row.currency}`, code: "custom" }]);
  }
  const grantId = newId("cred");
  const { grant, wallet, movement } = await grantCredit(
    env,
    row.tenantId,
    {
      grantId,
      currency,
      amount: input.amount,
      expiresAt: input.expiresAt ?? null,
      priority: 50,
      appliesTo: null,
      reason: input.reason,
      source: "subscription",
      subscriptionId: row.id,
      invoiceId: null,
      createdBy: actor,
    },
    now,
    false,
  );
  const balance = wallet.balances.find((b) => b.currency === currency);
  return { tenantId: row.tenantId, currency: grant.currency, balance: balance ? balance.available + balance.held : 0, movement };
}
