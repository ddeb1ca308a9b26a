import type { Db } from "../db/client";
import type { Bindings } from "../env";
import { ApiError } from "../http/errors";
import { log } from "../http/logger";
import type { OutboxHandler } from "../outbox";
import { chargeOffSession } from "../stripe";
import { eventStatement } from "../webhooks";
import { walletOf } from "./meter";

/**
 * Automatic top-ups. The meter asks for one in the debit that takes the balance under the
 * threshold (a `wallet.top_up` outbox row, written with the debit's notices); this charges it
 * off-session through Stripe; the credit is granted only when Stripe's webhook says the payment
 * succeeded, and a failed charge turns auto top-up off until its settings are saved again.
 */
interface TopUp {
  topUpId: string;
  currency: string;
  amount: number;
}

export const deliverTopUp: OutboxHandler = async (env, db, row, now) => {
  const t = row.payload as unknown as TopUp;
  try {
    await chargeOffSession(env, db, {
      tenantId: row.tenantId,
      amount: t.amount,
      currency: t.currency,
      idempotencyKey: `wallet-top-up:${t.topUpId}`,
      description: "Automatic wallet top-up",
      metadata: { topUpId: t.topUpId, topUpAmount: String(t.amount), topUpCurrency: t.currency },
    });
  } catch (err) {
    // A decline, no payment method, no Stripe: this top-up has failed. Anything else is retried.
    if (!(err instanceof ApiError) || !["PAYMENT_REQUIRED", "INVALID_STATE", "NOT_CONFIGURED"].includes(err.code)) throw err;
    await failTopUp(env, db, row.tenantId, t, err.message, now);
  }
};

/** Stripe confirmed the payment: the credit it bought is granted (once; the top-up id is the grant id). */
export async function completeTopUp(env: Bindings, db: Db, tenantId: string, t: TopUp, now: number): Promise<void> {
  const ended = await walletOf(env, tenantId).endTopUp(
    t.topUpId,
    {
      grant: {
        grantId: t.topUpId,
        currency: t.currency,
        amount: t.amount,
        expiresAt: null,
        priority: 50,
        appliesTo: null,
        reason: "Automatic top-up",
        source: "top_up",
        subscriptionId: null,
        invoiceId: null,
        createdBy: null,
      },
    },
    now,
  );
  if (!ended) log("warn", "wallet.top_up_not_pending", { tenant: tenantId, topUpId: t.topUpId });
  await db.batch([eventStatement(db, { id: `evt_${t.topUpId}_paid`, tenantId, type: "credits.top_up.succeeded", data: { ...t }, at: now })]);
}

export async function failTopUp(env: Bindings, db: Db, tenantId: string, t: TopUp, failure: string, now: number): Promise<void> {
  if (!(await walletOf(env, tenantId).endTopUp(t.topUpId, { failure }, now))) return;
  await db.batch([eventStatement(db, { id: `evt_${t.topUpId}_failed`, tenantId, type: "credits.top_up.failed", data: { ...t, failure }, at: now })]);
}

/** The top-up a Stripe payment intent is for, from the metadata the charge gave it. */
export function topUpOf(metadata: Record<string, string> | null | undefined): TopUp | null {
  if (!metadata?.topUpId || !metadata.topUpAmount || !metadata.topUpCurrency) return null;
  return { topUpId: metadata.topUpId, amount: Number(metadata.topUpAmount), currency: metadata.topUpCurrency };
}
