/**
 * The wallet as its owner, the tenant's meter (src/metering/tenant-meter.ts), keeps it and
 * answers over RPC. Amounts are integer minor units of `currency`.
 */

export type WalletPolicy = "block" | "overdraft";

export interface AutoTopUp {
  /** Top up when the available balance falls below this. */
  threshold: number;
  /** Minor units charged (and granted once paid) per top-up. */
  amount: number;
  /** At most this many top-ups start per calendar month (UTC, on the tenant's clock). */
  maxPerMonth: number;
  /** Set when a charge failed: auto top-up stays off until the settings are written again. */
  failedAt: number | null;
  failure: string | null;
}

export interface WalletSettings {
  /**
   * Null until the tenant has a wallet (its first wallet grant or settings): credits are then
   * only used by invoices, as credits granted on a subscription always were. Set, every priced
   * usage event is debited in real time, and `block` refuses what the balance cannot cover.
   */
  policy: WalletPolicy | null;
  lowBalanceThreshold: number | null;
  autoTopUp: AutoTopUp | null;
}

export type GrantSource = "operator" | "subscription" | "top_up" | "carry_forward";

export interface GrantInput {
  grantId: string;
  currency: string;
  amount: number;
  expiresAt: number | null;
  /** Lower is used first. */
  priority: number;
  /** Metrics this grant may pay for in real time; null = any usage, base fees and invoices. */
  appliesTo: string[] | null;
  reason: string;
  source: GrantSource;
  subscriptionId: string | null;
  invoiceId: string | null;
  createdBy: string | null;
}

export interface Grant extends GrantInput {
  remaining: number;
  createdAt: number;
}

export const ENTRY_KINDS = ["grant", "usage", "usage_reversal", "consumption", "settlement_refund", "settlement_reversal", "restore"] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];

/** One movement of one grant's balance (signed: + to the grant, − from it). */
export interface WalletEntry {
  id: string;
  seq: number;
  kind: EntryKind;
  amount: number;
  currency: string;
  grantId: string;
  expiresAt: number | null;
  reason: string;
  eventId: string | null;
  metric: string | null;
  subscriptionId: string | null;
  periodStart: number | null;
  invoiceId: string | null;
  createdAt: number;
}

export interface WalletBalance {
  currency: string;
  /** Unexpired grants' remainder less what open holds reserve. */
  available: number;
  held: number;
}

export interface WalletView {
  settings: WalletSettings;
  balances: WalletBalance[];
  grants: Array<Grant & { expired: boolean }>;
}

/** What an invoice took from the wallet (idempotent per invoice). */
export interface Settlement {
  invoiceId: string;
  total: number;
  /** Debited in real time for the invoice's period. */
  prepaid: number;
  /** Taken from the balance at settlement, for what real-time debits did not pay. */
  consumed: number;
  /** Prepaid above the invoice's total (discounts, tax-free credit notes) returned to the grants. */
  refunded: number;
  /** What the invoice counts as paid by credit: min(prepaid, total) + consumed. */
  applied: number;
}

/** Something the wallet has to tell (a webhook event, a top-up to charge), kept until written to D1. */
export interface WalletNotice {
  id: string;
  type: "credits.balance_low" | "credits.depleted" | "credits.top_up.requested";
  at: number;
  data: Record<string, string | number>;
}
