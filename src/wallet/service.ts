import type { Bindings } from "../env";
import { badRequest } from "../http/errors";
import { decodeCursor, encodeCursor } from "../http/pagination";
import { iso } from "../lib/time";
import type { CreateGrant, Wallet, WalletTransaction } from "./schemas";
export type { CreditGrant } from "./schemas";
import type { AutoTopUp, Grant, GrantInput, WalletEntry, WalletSettings, WalletView } from "./types";
import { walletOf } from "./meter";

const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

export function toGrant(g: Grant & { expired: boolean }) {
  return {
    grantId: g.grantId,
    currency: g.currency,
    amount: g.amount,
    remaining: g.remaining,
    priority: g.priority,
    expiresAt: isoOrNull(g.expiresAt),
    expired: g.expired,
    appliesTo: g.appliesTo,
    reason: g.reason,
    source: g.source,
    subscriptionId: g.subscriptionId,
    invoiceId: g.invoiceId,
    createdAt: iso(g.createdAt),
  };
}

export function toWallet(tenantId: string, v: WalletView): Wallet {
  const top = v.settings.autoTopUp;
  return {
    tenantId,
    enabled: v.settings.policy !== null,
    policy: v.settings.policy,
    lowBalanceThreshold: v.settings.lowBalanceThreshold,
    autoTopUp: top && { threshold: top.threshold, amount: top.amount, maxPerMonth: top.maxPerMonth, active: top.failedAt === null, failure: top.failure },
    balances: v.balances,
    grants: v.grants.map(toGrant),
  };
}

export const toTransaction = (e: WalletEntry): WalletTransaction => ({
  id: e.id,
  kind: e.kind,
  amount: e.amount,
  currency: e.currency,
  grantId: e.grantId,
  expiresAt: isoOrNull(e.expiresAt),
  reason: e.reason,
  eventId: e.eventId,
  metric: e.metric,
  subscriptionId: e.subscriptionId,
  invoiceId: e.invoiceId,
  createdAt: iso(e.createdAt),
});

/**
 * Grants credit. `enable` (the wallet API) gives a tenant without a wallet one with policy
 * `block`; credit granted on a subscription leaves the policy alone (no wallet: invoices use it).
 */
export async function grantCredit(env: Bindings, tenantId: string, g: GrantInput, now: number, enable: boolean) {
  if (g.expiresAt !== null && g.expiresAt <= now) {
    throw badRequest("expiresAt must lie in the future", [{ path: "expiresAt", message: "must lie in the future", code: "custom" }]);
  }
  const { created, view, entry } = await walletOf(env, tenantId).walletGrant(g, now, enable);
  const grant = view.grants.find((x) => x.grantId === g.grantId)!;
  return { created, grant: toGrant(grant), wallet: toWallet(tenantId, view), movement: toTransaction(entry) };
}

export function operatorGrant(input: CreateGrant, actor: string): GrantInput {
  return {
    grantId: input.grantId,
    currency: input.currency,
    amount: input.amount,
    expiresAt: input.expiresAt ?? null,
    priority: input.priority,
    appliesTo: input.appliesTo ?? null,
    reason: input.reason,
    source: "operator",
    subscriptionId: null,
    invoiceId: null,
    createdBy: actor,
  };
}

export async function getWallet(env: Bindings, tenantId: string, now: number): Promise<Wallet> {
  return toWallet(tenantId, await walletOf(env, tenantId).walletView(now));
}

/** Unexpired balance per currency (what `GET …/credits` has always answered). */
export async function creditBalances(env: Bindings, tenantId: string, now: number): Promise<Array<{ currency: string; balance: number }>> {
  const view = await walletOf(env, tenantId).walletView(now);
  return view.balances.map((b) => ({ currency: b.currency, balance: b.available + b.held }));
}

/** Newest first; the cursor is the last entry's sequence number. */
export async function listTransactions(env: Bindings, tenantId: string, q: { limit: number; cursor?: string; currency?: string }) {
  const after = decodeCursor(q.cursor);
  const entries = await walletOf(env, tenantId).walletEntries({ limit: q.limit + 1, beforeSeq: after ? Number(after.k) : undefined, currency: q.currency });
  const items = entries.slice(0, q.limit);
  const last = items.at(-1);
  return { items: items.map(toTransaction), nextCursor: entries.length > q.limit && last ? encodeCursor({ k: last.seq, id: last.id }) : null };
}

export async function saveWalletSettings(env: Bindings, tenantId: string, next: Partial<WalletSettings>, now: number): Promise<Wallet> {
  return toWallet(tenantId, await walletOf(env, tenantId).setWalletSettings(next, now));
}

export async function saveAutoTopUp(env: Bindings, tenantId: string, input: Omit<AutoTopUp, "failedAt" | "failure">, now: number): Promise<Wallet> {
  return saveWalletSettings(env, tenantId, { autoTopUp: { ...input, failedAt: null, failure: null } }, now);
}
