import type { Db } from "../db/client";
import type { Bindings } from "../env";
import { outboxStatement, type OutboxHandler, type Statement } from "../outbox";
import type { Settlement, WalletNotice } from "./types";
import { walletOf } from "./meter";

/**
 * How invoices use the wallet (one model of credit: the wallet's grants). Real-time debits of
 * a period are a prepayment of its invoice; at finalization the invoice settles against them
 * and, for what they did not pay, against the balance. What an invoice gives back (a negative
 * remainder carried forward, a void) reaches the wallet through the outbox, in the batch of
 * the invoice's own change, so it cannot be lost.
 */

export const WALLET_GRANT_KIND = "wallet.grant";
export const WALLET_RESTORE_KIND = "wallet.restore";

/** What an invoice of the period would be paid with: its prepaid usage and the balance valid at `validAt`. */
export async function invoiceCredit(
  env: Bindings,
  q: { tenantId: string; subscriptionId: string; periodStart: number; currency: string; validAt: number },
): Promise<{ prepaid: number; available: number }> {
  return walletOf(env, q.tenantId).walletForInvoice(q);
}

/** Settles a finalizing invoice against the wallet, before its batch (idempotent per invoice, so a retried finalization takes nothing twice). */
export async function settleInvoice(
  env: Bindings,
  s: {
    tenantId: string;
    invoiceId: string;
    subscriptionId: string | null;
    periodStart: number | null;
    currency: string;
    total: number;
    validAt: number;
    now: number;
  },
): Promise<Settlement & { notices: WalletNotice[] }> {
  const { tenantId, ...settlement } = s;
  return walletOf(env, tenantId).settleInvoice(settlement);
}

interface CarryForward {
  tenantId: string;
  currency: string;
  amount: number;
  subscriptionId: string | null;
  invoiceId: string;
  now: number;
}

/**
 * For a finalization's batch: what an invoice came to below zero, granted back as credit
 * (once per invoice). `deliver` grants it at once after the batch; the outbox row repeats it
 * harmlessly, or makes up for a `deliver` that failed.
 */
export function carryForwardStatement(db: Db, c: CarryForward): { statement: Statement; deliver: (env: Bindings) => Promise<void> } {
  return {
    statement: outboxStatement(db, { id: `wgr_${c.invoiceId}`, tenantId: c.tenantId, kind: WALLET_GRANT_KIND, payload: c, at: c.now }),
    deliver: (env) => carryForward(env, c),
  };
}

/** For a void's batch: the invoice gives back what it took from the wallet (`deliver` as above). */
export function restoreStatement(
  db: Db,
  c: { tenantId: string; invoiceId: string; now: number },
): { statement: Statement; deliver: (env: Bindings) => Promise<void> } {
  return {
    statement: outboxStatement(db, { id: `wrs_${c.invoiceId}`, tenantId: c.tenantId, kind: WALLET_RESTORE_KIND, payload: c, at: c.now }),
    deliver: async (env) => void (await walletOf(env, c.tenantId).restoreInvoice(c.invoiceId, c.now)),
  };
}

export const deliverCarryForward: OutboxHandler = (env, _db, row) => carryForward(env, row.payload as CarryForward);

async function carryForward(env: Bindings, c: CarryForward): Promise<void> {
  await walletOf(env, c.tenantId).walletGrant(
    {
      grantId: `carry_${c.invoiceId}`,
      currency: c.currency,
      amount: c.amount,
      expiresAt: null,
      priority: 50,
      appliesTo: null,
      reason: `Credit carried forward from invoice ${c.invoiceId}`,
      source: "carry_forward",
      subscriptionId: c.subscriptionId,
      invoiceId: c.invoiceId,
      createdBy: null,
    },
    c.now,
    false,
  );
}

export const deliverRestore: OutboxHandler = async (env, _db, row) => {
  const c = row.payload as { tenantId: string; invoiceId: string; now: number };
  await walletOf(env, c.tenantId).restoreInvoice(c.invoiceId, c.now);
};
