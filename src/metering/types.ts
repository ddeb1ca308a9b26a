import type { Aggregation } from "../plans/schemas";
import type { AlertCrossing } from "../alerts";
import type { QuotaPeriod, QuotaSource } from "./quota-rules";
import type { Hold } from "./holds";
import type { WalletNotice } from "../wallet/types";

/** A validated usage event as the Worker hands it to the tenant's meter (and puts on the queue). */
export interface MeterEvent {
  eventId: string;
  metric: string;
  /** Canonical decimal string (exact). */
  quantity: string;
  /** Epoch ms; resolved at the edge so a queue replay carries the same time. */
  timestamp: number;
  projectId: string | null;
  resource: string | null;
  costCenterId: string | null;
  properties?: Record<string, string | number | boolean | null>;
}

/** What a hard quota refusal tells the caller (the 402 body's `details`). */
export interface QuotaExceededDetails {
  metric: string;
  current: number;
  limit: number;
  remaining: number;
  /** ISO 8601, when the quota's window ends. */
  resetsAt: string;
  quotaId: string;
  period: QuotaPeriod;
}

export type Refusal =
  | { code: "QUOTA_EXCEEDED"; message: string; details: QuotaExceededDetails }
  | { code: "SUBSCRIPTION_PAUSED"; message: string; details: { subscriptionId: string } }
  | { code: "INSUFFICIENT_CREDITS"; message: string; details: { metric: string; needed: number; available: number; currency: string } }
  | {
      code: "SPEND_CAP_EXCEEDED";
      message: string;
      details: { quotaId: string; limit: number; current: number; needed: number; currency: string; resetsAt: string };
    }
  | { code: "VALIDATION_ERROR"; message: string; details: Array<{ path: string; message: string; code: string }> };

export type EventOutcome = { eventId: string; status: "accepted" | "duplicate" } | { eventId: string; status: "rejected"; reason: Refusal };

/** One quota's utilisation in the window an event (or a check) falls in. */
export interface QuotaUsage {
  quotaId: string;
  metric: string;
  source: QuotaSource;
  subscriptionId: string | null;
  period: QuotaPeriod;
  enforcement: "hard" | "soft";
  limit: number;
  current: number;
  remaining: number;
  resetsAt: string;
  exceeded: boolean;
}

/** The answer to one recorded event: its outcome plus, once recorded, the metric's new totals. */
export type RecordResult = RecordedEvent | (Extract<EventOutcome, { status: "rejected" }> & { alerts?: AlertCrossing[]; notices?: WalletNotice[] });

export interface RecordedEvent {
  eventId: string;
  status: "accepted" | "duplicate";
  /** The metric in the event's billing period, for the events its subscription governs (all events without one). */
  total?: { metric: string; aggregation: Aggregation; quantity: string; periodStart: string; periodEnd: string };
  quotas?: QuotaUsage[];
  /** Usage alerts crossed and not yet acknowledged as stored (src/alerts stores them; not part of the HTTP answer). */
  alerts?: AlertCrossing[];
  /** Wallet notices of this call (thresholds crossed, a top-up to charge), for the caller to write to D1. */
  notices?: WalletNotice[];
}

export interface IngestResult {
  accepted: number;
  duplicates: number;
  rejected: number;
  /** Only the refused events (accepted/duplicate ones are counted, not listed). */
  refusals: Array<Extract<EventOutcome, { status: "rejected" }>>;
  /** Usage alerts the batch crossed. */
  alerts?: AlertCrossing[];
  notices?: WalletNotice[];
}

export interface CheckResult {
  allowed: boolean;
  current: number;
  limit: number | null;
  remaining: number | null;
  resetsAt: string | null;
  metric: string;
  quotaId: string | null;
  reason?: "QUOTA_EXCEEDED" | "SUBSCRIPTION_PAUSED";
}

/** A rollup bucket as the meter and D1 store it: dims use "" for "none". */
export interface RollupRow {
  metric: string;
  bucketStart: number;
  projectId: string;
  resource: string;
  costCenterId: string;
  events: number;
  sum: string;
  max: string | null;
  latestAt: number | null;
  latestSeq: number | null;
  latest: string | null;
  rejected: number;
  version: number;
}

/** One distinct value of a `unique_count` meter seen in a bucket. */
export interface RollupValue {
  metric: string;
  bucketStart: number;
  projectId: string;
  resource: string;
  costCenterId: string;
  value: string;
}

/** What the meter has not flushed to D1 yet in a window [from, to), plus how its metrics aggregate. */
export interface PendingUsage {
  from: number;
  to: number;
  rows: RollupRow[];
  values: RollupValue[];
  aggregations: Record<string, Aggregation>;
}

/** What the meter answers to opening, committing or releasing a hold (src/metering/holds.ts). */
export type HoldOutcome =
  | { ok: true; hold: Hold; created: boolean }
  | { ok: false; error: "not_found"; holdId: string }
  | { ok: false; error: "conflict"; holdId: string }
  | { ok: false; error: "closed"; holdId: string; status: Hold["status"] }
  | { ok: false; error: "refused"; refusal: Refusal };

export type HoldCommitResult =
  | { ok: true; hold: Hold; event: RecordedEvent; committed: string; refused: string; reason?: Refusal["code"] }
  | Exclude<HoldOutcome, { ok: true }>;
