import { DurableObject } from "cloudflare:workers";
import { entitlementOf, entitlementsOf, type EntitlementCheck, type Entitlements, type MetricProbe } from "./entitlements";
import type { Bindings } from "../env";
import { log } from "../http/logger";
import { COST_METRIC, rulesFor, type QuotaDefinition, type QuotaRule } from "./quota-rules";
import { addEvent, copyAggregate, meteredValue, type Aggregate } from "./aggregate";
import type { AlertCrossing, MeterAlertRule } from "../alerts";
import { writeRollups } from "./flush";
import { type Hold, HoldStore, inForce } from "./holds";
import { bucketKey, MeterStore, newBucket, type Bucket, type BucketDims } from "./meter-store";
import { meterDefinitions, meterOf, type MeterDef } from "./meters";
import { billingWindow, bucketStart, calendarWindow, contains, type Window } from "./periods";
import type { MeterPlanState } from "./plan-state";
import { decimal, formatDecimal, maxOf, SCALE, toNumber } from "./quantity";
import { ALL, inScope, scopeKey, scopeOfSubscription, type Scope } from "./scope";
import type {
  CheckResult,
  EventOutcome,
  HoldCommitResult,
  HoldOutcome,
  IngestResult,
  MeterEvent,
  PendingUsage,
  QuotaUsage,
  RecordedEvent,
  RecordResult,
  Refusal,
  RollupRow,
  RollupValue,
} from "./types";
import { DAY_MS, HOUR_MS, iso } from "../lib/time";
import {
  costOf,
  WalletLedger,
  writeWalletNotices,
  type GrantInput,
  type Settlement,
  type WalletBalance,
  type WalletEntry,
  type WalletNotice,
  type WalletSettings,
  type WalletView,
} from "../wallet";
import type { PlanMeter } from "../plans/schemas";

/** Dedup keys are kept this long after an event is received (= the backdating window). */
export const RETENTION_MS = 35 * DAY_MS;
/** How long after the first unflushed write the alarm flushes rollups to D1. */
const FLUSH_DELAY_MS = 5_000;
const FLUSH_CHUNK = 1_000;
/** Flushed buckets are kept for quota windows (a month back from the oldest accepted timestamp). */
const BUCKET_RETENTION_MS = RETENTION_MS + 32 * DAY_MS;
const PRUNE_EVERY_MS = 6 * HOUR_MS;
const MAX_HOT_BUCKETS = 20_000;
/** Unacknowledged alert crossings kept (each alert crosses at most once per window). */
const MAX_PENDING_ALERTS = 1_000;

/** A live counter: one metric, the events one scope counts, one window. Derived from buckets; cached. */
interface Counter {
  scope: Scope;
  window: Window;
  agg: Aggregate;
  unique: number;
  /** What the counted usage costs (rounded minor units), once a debit priced it. */
  cost?: number;
}

/** A usage event's real-time price against the wallet, decided before it is counted. */
interface Charge {
  meter: PlanMeter;
  counter: Counter;
  /** Cost of the counter's usage after the event (the counter's cost before it is `counter.cost`). */
  after: number;
  delta: number;
  currency: string;
  subscriptionId: string;
  periodStart: number;
}

/** A quota evaluated for one event. */
interface Check {
  rule: QuotaRule;
  window: Window;
  counter: Counter;
  before: bigint;
  after: bigint;
}

/**
 * One per tenant (`env.TENANT_METER.getByName(tenantId)`): the hot path for usage.
 * Every event passes through here: it is deduplicated by `eventId`, checked
 * against the quotas in force, and added to an hourly bucket, in one SQLite
 * transaction with no await in between, so concurrent requests can never
 * push a counter past a hard limit. Buckets are flushed to D1 by an alarm.
 *
 * Counters are a cache over the buckets (rebuilt from SQLite on demand), so
 * losing the instance loses nothing. Storage layout: docs/tenant-meter-storage.md.
 */
export class TenantMeter extends DurableObject<Bindings> {
  private readonly store: MeterStore;
  private readonly wallet: WalletLedger;
  private readonly holds: HoldStore;
  private states = new Map<string, MeterPlanState>();
  /** Projects that a live subscription of their own governs. */
  private claimed: string[] = [];
  private meters = new Map<string, MeterDef>();
  private boundaries: number[] = [];
  private quotasByMetric = new Map<string, QuotaDefinition[]>();
  private alertsByMetric = new Map<string, MeterAlertRule[]>();
  /** Alert crossings of the running record/ingest call. */
  private crossed: AlertCrossing[] = [];
  /** Wallet notices (thresholds, top-ups) of the running call. */
  private noticed: WalletNotice[] = [];
  /**
   * Crossings not yet acknowledged as stored in D1 (meta `alert_outbox`), written in the
   * transaction of the event that crossed: a caller that fails to store them gets them again
   * from its retry (even though the retried events are duplicates) or from the hourly sweep.
   */
  private alertOutbox: AlertCrossing[] = [];
  /** metric → counter key → counter. */
  private readonly counters = new Map<string, Map<string, Counter>>();
  /** Recently used buckets, so the hot path writes a bucket without reading it first. */
  private readonly hot = new Map<string, Bucket>();
  /** Buckets changed in the running transaction and not yet written. */
  private readonly dirty = new Set<Bucket>();
  private seq = 0;
  /** When the alarm is set to run (null: none), so the hot path never asks storage. */
  private alarmAt: number | null = null;
  private flushChain: Promise<void> = Promise.resolve();

  constructor(ctx: DurableObjectState, env: Bindings) {
    super(ctx, env);
    this.store = new MeterStore(ctx.storage.sql);
    this.holds = new HoldStore(ctx.storage.sql);
    this.wallet = new WalletLedger(ctx.storage.sql, (currency, now) => this.holds.heldAmount(currency, now));
    void ctx.blockConcurrencyWhile(() => this.load());
  }

  private async load(): Promise<void> {
    this.store.migrate(Date.now());
    this.wallet.migrate();
    this.holds.migrate();
    this.seq = this.store.maxSeq();
    this.applyPlanStates(this.store.planStates());
    this.applyQuotas(this.store.quotas());
    this.applyAlerts(JSON.parse(String(this.store.getMeta("alerts") ?? "[]")) as MeterAlertRule[]);
    this.alertOutbox = JSON.parse(String(this.store.getMeta("alert_outbox") ?? "[]")) as AlertCrossing[];
    this.alarmAt = await this.ctx.storage.getAlarm();
  }

  // ── RPC: recording ───────────────────────────────────────────────────────

  /** Records one event and answers with its outcome and the metric's new totals. */
  record(event: MeterEvent, now: number): RecordResult {
    this.crossed = [];
    this.noticed = [];
    const result = this.withNotices(this.transact(() => this.keepCrossings(this.process(event, now, true))));
    return this.alertOutbox.length ? { ...result, alerts: this.alertOutbox } : result;
  }

  /** Records a batch atomically: on any failure nothing of it is kept, so the queue can simply retry it. */
  ingest(events: MeterEvent[], now: number): IngestResult {
    this.crossed = [];
    this.noticed = [];
    const result = this.transact(() => {
      const result: IngestResult = { accepted: 0, duplicates: 0, rejected: 0, refusals: [] };
      for (const event of events) {
        const outcome = this.process(event, now, false);
        if (outcome.status === "rejected") {
          result.rejected++;
          result.refusals.push(outcome);
        } else if (outcome.status === "accepted") result.accepted++;
        else result.duplicates++;
      }
      return this.keepCrossings(result);
    });
    const told = this.withNotices(result);
    return this.alertOutbox.length ? { ...told, alerts: this.alertOutbox } : told;
  }

  /** Would `quantity` more of `metric` be allowed now? Records nothing. */
  check(q: { metric: string; quantity: string; projectId: string | null }, now: number): CheckResult {
    const governing = this.governing(q.projectId);
    if (governing?.status === "paused") {
      return { ...this.unlimited(q.metric, governing, now), allowed: false, reason: "SUBSCRIPTION_PAUSED" };
    }
    const meter = meterOf(this.meters, q.metric);
    const quantity = decimal(q.quantity);
    const checks = this.evaluate(q.metric, quantity, now, governing, meter, () => quantity > 0n, now);
    if (checks.length === 0) return this.unlimited(q.metric, governing, now);
    const breach = checks.find((c) => c.rule.enforcement === "hard" && c.after > c.rule.limit);
    const binding = breach ?? checks.reduce((a, b) => (b.rule.limit - b.before < a.rule.limit - a.before ? b : a));
    return {
      allowed: !breach,
      metric: q.metric,
      quotaId: binding.rule.id,
      current: toNumber(binding.before),
      limit: toNumber(binding.rule.limit),
      remaining: toNumber(maxOf(binding.rule.limit - binding.before, 0n)),
      resetsAt: iso(binding.window.end),
      ...(breach ? { reason: "QUOTA_EXCEEDED" as const } : {}),
    };
  }

  /** Every quota in force now (explicit and from plans) with its utilisation. */
  quotaStatus(now: number): QuotaUsage[] {
    const out: QuotaUsage[] = [];
    const tenantWide = this.governing(null);
    for (const defs of this.quotasByMetric.values()) {
      if (defs[0]!.metric === COST_METRIC) continue;
      for (const rule of rulesFor(defs[0]!.metric, null, defs)) {
        const window = rule.period === "billing_period" ? billingWindow(tenantWide, now) : calendarWindow(rule.period, now);
        if (window) out.push(this.usageOf(rule, window, this.currentValue(rule.metric, ALL, window)));
      }
    }
    for (const state of this.states.values()) {
      if (state.status === "canceled") continue;
      for (const m of state.meters) {
        const rule = rulesFor(m.metric, state, this.quotasByMetric.get(m.metric) ?? []).find((r) => r.source === "plan");
        const window = billingWindow(state, now);
        if (rule && window) out.push(this.usageOf(rule, window, this.currentValue(m.metric, this.scopeOf(state), window)));
      }
    }
    const window = tenantWide && pricingWindow(tenantWide, now);
    for (const q of this.quotasByMetric.get(COST_METRIC) ?? []) {
      const spent = window ? this.spent(tenantWide, window, now) : 0;
      const rule = rulesFor(COST_METRIC, null, [q])[0]!;
      out.push(this.usageOf(rule, window || calendarWindow("month", now), BigInt(spent) * SCALE));
    }
    return out;
  }

  /** The governing plan's features and their state now, with the wallet's balance (src/entitlements). Records nothing. */
  entitlements(q: { projectId: string | null }, now: number): Entitlements & { wallet: { policy: WalletSettings["policy"]; balances: WalletBalance[] } } {
    const governing = this.governing(q.projectId);
    const features = entitlementsOf(governing, (metric) => this.probe(metric, 0n, governing, now));
    return { ...features, wallet: { policy: this.wallet.settings().policy, balances: this.wallet.balances(now) } };
  }

  /** One feature, and whether `quantity` more of it would be allowed now; null when the governing plan lacks it. */
  entitlement(q: { key: string; quantity: string; projectId: string | null }, now: number): EntitlementCheck | null {
    const governing = this.governing(q.projectId);
    return entitlementOf(governing, q.key, (metric) => this.probe(metric, decimal(q.quantity), governing, now));
  }

  /** The quotas on `metric` as check() evaluates them; without any, its usage in the governing billing period. */
  private probe(metric: string, quantity: bigint, governing: MeterPlanState | null, now: number): MetricProbe {
    const checks = this.evaluate(metric, quantity, now, governing, meterOf(this.meters, metric), () => quantity > 0n, now);
    const quotas = checks.map((c) => ({
      quotaId: c.rule.id,
      enforcement: c.rule.enforcement,
      limit: c.rule.limit,
      before: c.before,
      after: c.after,
      resetsAt: c.window.end,
    }));
    const window = quotas.length === 0 ? billingWindow(governing, now) : null;
    return { quotas, period: window && { used: this.currentValue(metric, this.scopeOf(governing), window), end: window.end } };
  }

  /**
   * What has not reached D1 yet in [from, to), for read-your-writes summaries;
   * the window defaults to the current billing period of the tenant-wide
   * subscription (the calendar month without one).
   */
  pending(q: { from?: number; to?: number; projectId?: string | null }, now: number): PendingUsage {
    const period = billingWindow(this.governing(null), now) ?? calendarWindow("month", now);
    const from = q.from ?? period.start;
    const to = q.to ?? period.end;
    const { rows, values } = this.store.pending(from, to, q.projectId === undefined ? undefined : (q.projectId ?? ""));
    const aggregations = Object.fromEntries([...this.meters.values()].map((m) => [m.metric, m.aggregation]));
    return { from, to, rows, values, aggregations };
  }

  /**
   * Everything billing needs over [from, to) that D1 may not have: the unflushed buckets, and,
   * when `to` falls inside a bucket, that bucket's events before `to` (from the event log) as
   * `tail`, which replaces the bucket. So usage is cut at any instant, not at the hour.
   */
  billingRows(q: { from: number; to: number }): PendingUsage & { tail: { bucketStart: number; rows: RollupRow[]; values: RollupValue[] } | null } {
    const { rows, values } = this.store.pending(q.from, q.to, undefined);
    const start = bucketStart(q.to, this.boundaries);
    const covered = start >= this.store.logStart();
    const tail = start !== q.to && start >= q.from && covered ? { bucketStart: start, ...this.store.loggedRollups(start, q.to) } : null;
    return { from: q.from, to: q.to, rows, values, aggregations: {}, tail };
  }

  /**
   * A subscription changes at `at`: buckets split there, so usage before and after the change
   * never share one. Called before the change is committed, so no event after it can land in
   * the bucket before it; an extra cut (a change that then failed) changes no total.
   */
  cut(at: number): void {
    this.ctx.storage.transactionSync(() => this.store.addBoundary(at));
    this.boundaries = this.store.boundaries();
  }

  /** Soft-quota crossings since `since` (what alerts build on). */
  crossings(since: number) {
    return this.store.crossings(since);
  }

  /** Crossings not yet acknowledged (see alertOutbox). */
  pendingAlerts(): AlertCrossing[] {
    return this.alertOutbox;
  }

  /** The caller has stored these crossings (by alertId and windowStart) in D1. */
  ackAlerts(crossings: Array<Pick<AlertCrossing, "alertId" | "windowStart">>): void {
    const done = new Set(crossings.map((c) => `${c.alertId}:${c.windowStart}`));
    const left = this.alertOutbox.filter((c) => !done.has(`${c.alertId}:${c.windowStart}`));
    if (left.length === this.alertOutbox.length) return;
    this.ctx.storage.transactionSync(() => this.store.setMeta("alert_outbox", JSON.stringify(left)));
    this.alertOutbox = left;
  }

  // ── RPC: test clocks (src/test-clocks) ───────────────────────────────────

  /**
   * The tenant runs on a test clock now at `at`. Events arrive stamped with the clock's time
   * already; this only keeps pruning from forgetting event ids the clock still considers recent.
   */
  setClock(at: number): void {
    this.ctx.storage.transactionSync(() => this.store.setMeta("clock", at));
  }

  /** Whether it holds anything of the tenant's (a tenant put on a test clock must have nothing yet). */
  hasData(): boolean {
    return this.seq > 0 || this.states.size > 0 || this.quotasByMetric.size > 0 || this.store.hasUnflushed() || this.wallet.hasData();
  }

  /** Forgets everything (the tenant is deleted with its test clock) and starts empty. */
  async erase(): Promise<void> {
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    this.hot.clear();
    this.dirty.clear();
    this.crossed = [];
    this.wallet.forget();
    this.holds.forget();
    await this.load();
  }

  // ── RPC: configuration pushed by other modules ─────────────────────────────

  /**
   * A subscription's current state (contract in ./plan-state.ts). Idempotent; a state older
   * (lower version) than the one held is ignored, so a late push cannot undo a newer one.
   */
  setPlanState(state: MeterPlanState): void {
    const held = this.states.get(state.subscriptionId);
    if (held?.version !== undefined && state.version !== undefined && state.version < held.version) return;
    this.ctx.storage.transactionSync(() => this.store.savePlanState(state, Date.now()));
    this.applyPlanStates([...this.states.values()].filter((s) => s.subscriptionId !== state.subscriptionId).concat(state));
  }

  /** The subscription states it enforces, for the reconciliation with D1. */
  planStates(): MeterPlanState[] {
    return [...this.states.values()];
  }

  /** The tenant's usage alerts (replaces the previous set; contract in src/alerts/meter.ts). */
  setAlerts(rules: MeterAlertRule[]): void {
    this.ctx.storage.transactionSync(() => this.store.setMeta("alerts", JSON.stringify(rules)));
    this.applyAlerts(rules);
  }

  /**
   * The tenant's explicit quotas (replaces the set; contract in ../quotas/meter-sync.ts). A set
   * older (lower version) than the one held is ignored.
   */
  setQuotas(quotas: QuotaDefinition[], version: number): void {
    if (version < Number(this.store.getMeta("quotas_version") ?? 0)) return;
    this.ctx.storage.transactionSync(() => {
      this.store.replaceQuotas(quotas);
      this.store.setMeta("quotas_version", version);
    });
    this.applyQuotas(quotas);
  }

  /** The explicit quotas it enforces and their version, for the reconciliation with D1. */
  quotaState(): { quotas: QuotaDefinition[]; version: number } {
    return { quotas: this.store.quotas(), version: Number(this.store.getMeta("quotas_version") ?? 0) };
  }

  // ── RPC: holds (./holds.ts) ───────────────────────────────────────────────

  /**
   * Reserves usage against hard quotas and the wallet, in one transaction with the checks, so
   * concurrent holds and events can never together pass a limit. Idempotent per holdId.
   */
  reserveHold(
    h: { holdId: string; metric: string; quantity: string; ttlMs: number; projectId: string | null; resource: string | null; costCenterId: string | null },
    now: number,
  ): HoldOutcome {
    const outcome = this.transact((): HoldOutcome => {
      // An open hold is answered from memory. Any other is looked up only when this one is not
      // opened (refused, or its id taken by a closed hold), so a new hold costs no lookup first;
      // the answer is the one looking first would give, since the checks write nothing.
      const open = this.holds.findOpen(h.holdId);
      if (open) return existingHold(open, h, now);
      const opened = this.openHold(h, now);
      if (opened?.ok) return opened;
      const existing = this.holds.find(h.holdId);
      if (existing) return existingHold(existing, h, now);
      if (!opened) throw new Error(`hold ${h.holdId}: the id is taken but no hold has it`);
      return opened;
    });
    if (outcome.ok && outcome.created) void this.alarmBy(Date.now() + h.ttlMs);
    return outcome;
  }

  /** Checks a new hold against limits and the wallet and opens it; null when its id is taken (nothing written). */
  private openHold(
    h: { holdId: string; metric: string; quantity: string; ttlMs: number; projectId: string | null; resource: string | null; costCenterId: string | null },
    now: number,
  ): HoldOutcome | null {
    const governing = this.governing(h.projectId);
    if (governing?.status === "paused") return { ok: false, error: "refused", refusal: paused(governing) };
    const meter = meterOf(this.meters, h.metric);
    // A hold reserves a quantity to add: only a sum meter adds quantities (a count meter counts events).
    if (meter.aggregation !== "sum") return { ok: false, error: "refused", refusal: notHoldable(meter) };
    const quantity = decimal(h.quantity);
    const event: MeterEvent = {
      eventId: `hold:${h.holdId}`,
      metric: h.metric,
      quantity: h.quantity,
      timestamp: now,
      projectId: h.projectId,
      resource: h.resource,
      costCenterId: h.costCenterId,
    };
    const breach = this.evaluate(h.metric, quantity, now, governing, meter, () => false, now).find(
      (c) => c.rule.enforcement === "hard" && c.after > c.rule.limit,
    );
    if (breach) return { ok: false, error: "refused", refusal: quotaExceeded(breach) };
    const policy = this.wallet.settings().policy;
    const caps = this.quotasByMetric.get(COST_METRIC);
    const charge =
      policy === null && !caps ? null : this.price(event, governing, meter, () => false, this.holds.heldQuantity(h.metric, this.scopeOf(governing), now));
    const amount = Math.max(0, charge?.delta ?? 0);
    const cap = charge && amount > 0 && caps ? this.capBreach(caps, governing!, charge, now) : null;
    if (cap) return { ok: false, error: "refused", refusal: cap };
    if (charge && amount > 0 && policy === "block") {
      const available = this.wallet.available(charge.currency, h.metric, now);
      if (available < amount) return { ok: false, error: "refused", refusal: insufficientCredits(charge, available) };
    }
    const hold = this.holds.add({ ...h, quantity, currency: charge?.currency ?? null, amount, createdAt: now, expiresAt: now + h.ttlMs });
    return hold && { ok: true, hold, created: true };
  }

  /**
   * Closes an open hold and records `quantity` as one event, in one transaction. Up to the held
   * quantity it is recorded whatever the limits say now (it was reserved); more is checked like
   * any event, and if refused, only the held quantity is recorded.
   */
  commitHold(holdId: string, c: { quantity: string; eventId: string }, now: number): HoldCommitResult {
    this.crossed = [];
    this.noticed = [];
    let result: HoldCommitResult;
    try {
      result = this.transact((): HoldCommitResult => {
        const hold = this.holds.findOpen(holdId) ?? this.holds.find(holdId);
        if (!hold) return { ok: false, error: "not_found", holdId };
        if (!inForce(hold, now)) {
          if (hold.status === "committed" && hold.eventId === c.eventId) {
            return { ok: true, hold, event: { eventId: c.eventId, status: "duplicate" }, committed: hold.committedQuantity ?? "0", refused: "0" };
          }
          return { ok: false, error: "closed", holdId, status: hold.status === "open" ? "expired" : hold.status };
        }
        const event: MeterEvent = {
          eventId: c.eventId,
          metric: hold.metric,
          quantity: c.quantity,
          timestamp: now,
          projectId: hold.projectId,
          resource: hold.resource,
          costCenterId: hold.costCenterId,
        };
        const asked = decimal(c.quantity);
        let closed = this.holds.close(hold, "committed", now, { eventId: c.eventId, quantity: c.quantity });
        let recorded = this.process(event, now, true, asked <= hold.quantity);
        let committed = c.quantity;
        let reason: Refusal["code"] | undefined;
        if (recorded.status === "rejected") {
          reason = recorded.reason.code;
          committed = formatDecimal(hold.quantity);
          closed = this.holds.close(hold, "committed", now, { eventId: c.eventId, quantity: committed });
          recorded = this.process({ ...event, quantity: committed }, now, true, true);
        }
        // Refused even so (a pause since the hold opened): nothing of the commit stays, the hold stays open.
        if (recorded.status === "rejected") throw new HoldRefused(recorded.reason);
        const refused = formatDecimal(asked - decimal(committed));
        return { ok: true, hold: closed, event: this.keepCrossings(recorded), committed, refused, ...(reason ? { reason } : {}) };
      });
    } catch (err) {
      if (err instanceof HoldRefused) return { ok: false, error: "refused", refusal: err.refusal };
      throw err;
    }
    if (!result.ok) return result;
    // Its crossings and wallet notices go to D1 from the commit's caller, as a record's do.
    return { ...result, event: this.withNotices(this.alertOutbox.length ? { ...result.event, alerts: this.alertOutbox } : result.event) };
  }

  releaseHold(holdId: string, now: number): HoldOutcome {
    return this.transact((): HoldOutcome => {
      const hold = this.holds.findOpen(holdId) ?? this.holds.find(holdId);
      if (!hold) return { ok: false, error: "not_found", holdId };
      if (!inForce(hold, now)) return { ok: false, error: "closed", holdId, status: hold.status === "open" ? "expired" : hold.status };
      return { ok: true, hold: this.holds.close(hold, "released", now), created: false };
    });
  }

  openHolds(now: number) {
    return this.holds.active(now);
  }

  // ── RPC: the wallet (src/wallet) ───────────────────────────────────────────

  /** Adds a grant (once per grantId). `enable` gives the tenant a wallet (policy `block`) if it has none. */
  walletGrant(g: GrantInput, now: number, enable: boolean): { created: boolean; view: WalletView; entry: WalletEntry } {
    const created = this.ctx.storage.transactionSync(() => {
      if (enable && this.wallet.settings().policy === null) this.wallet.saveSettings({ policy: "block" });
      return this.wallet.grant(g, now).created;
    });
    return { created, view: this.walletView(now), entry: this.wallet.grantEntry(g.grantId)! };
  }

  walletView(now: number): WalletView {
    return {
      settings: this.wallet.settings(),
      balances: this.wallet.balances(now),
      grants: this.wallet.grants().map((g) => ({ ...g, expired: g.expiresAt !== null && g.expiresAt <= now })),
    };
  }

  walletEntries(q: { limit: number; beforeSeq?: number; currency?: string }): WalletEntry[] {
    return this.wallet.entries(q);
  }

  setWalletSettings(next: Partial<WalletSettings>, now: number): WalletView {
    this.ctx.storage.transactionSync(() => this.wallet.saveSettings(next));
    // A policy change changes what is priced: counters rebuild their cost on demand.
    for (const byKey of this.counters.values()) for (const c of byKey.values()) delete c.cost;
    return this.walletView(now);
  }

  /** What an invoice of a period would take: the period's real-time debits and the balance valid at `validAt`. */
  walletForInvoice(q: { subscriptionId: string; periodStart: number; currency: string; validAt: number }): { prepaid: number; available: number } {
    return { prepaid: this.wallet.prepaid(q.subscriptionId, q.periodStart), available: this.wallet.availableForInvoice(q.currency, q.validAt) };
  }

  /** Settles an invoice against the wallet (idempotent per invoice; see WalletLedger.settle). */
  settleInvoice(s: Parameters<WalletLedger["settle"]>[0]): Settlement & { notices: WalletNotice[] } {
    const result = this.ctx.storage.transactionSync(() => {
      const before = this.wallet.total(s.currency, s.now);
      const settled = this.wallet.settle(s);
      return { ...settled, notices: this.wallet.noteThresholds(s.currency, before, s.now) };
    });
    if (result.notices.length) this.scheduleFlush();
    return result;
  }

  /** The caller wrote these notices to D1. */
  ackWalletNotices(ids: string[]): void {
    this.ctx.storage.transactionSync(() => this.wallet.ackNotices(ids));
  }

  /**
   * A top-up's charge ended: paid (`grant` is the credit it buys, granted once) or failed (auto
   * top-up stops until its settings are saved again). False when it is not the one in flight.
   */
  endTopUp(topUpId: string, outcome: { grant: GrantInput } | { failure: string }, now: number): boolean {
    return this.ctx.storage.transactionSync(() => {
      if ("grant" in outcome) this.wallet.grant(outcome.grant, now);
      return this.wallet.endTopUp(topUpId, "failure" in outcome ? outcome.failure : null, now);
    });
  }

  /** A voided invoice gives back what it took from the wallet (once). */
  restoreInvoice(invoiceId: string, now: number): boolean {
    return this.ctx.storage.transactionSync(() => this.wallet.restore(invoiceId, now));
  }

  // ── RPC: flushing ────────────────────────────────────────────────────────

  /** Writes every unflushed bucket to D1 now. Flushes run one at a time. */
  flush(): Promise<void> {
    const run = this.flushChain.then(() => this.flushNow());
    this.flushChain = run.catch(() => undefined);
    return run;
  }

  override async alarm(): Promise<void> {
    this.alarmAt = null;
    await this.flush();
    const now = Date.now();
    // On a test clock behind the real time, what is recent (and what has expired) is measured on the clock.
    const tenantNow = Math.min(now, Number(this.store.getMeta("clock") ?? now));
    if (now - Number(this.store.getMeta("pruned_at") ?? 0) >= PRUNE_EVERY_MS) this.prune(tenantNow);
    const nextExpiry = this.ctx.storage.transactionSync(() => this.holds.expire(tenantNow));
    if (this.store.hasUnflushed() || this.wallet.notices(1).length > 0) this.scheduleFlush();
    else if (nextExpiry !== null) await this.alarmBy(now + Math.max(nextExpiry - tenantNow, 1_000));
  }

  /** Makes sure an alarm runs by `at` (a hold's expiry), keeping an earlier one. */
  private async alarmBy(at: number): Promise<void> {
    if (this.alarmAt !== null && this.alarmAt <= at) return;
    this.alarmAt = at;
    await this.ctx.storage.setAlarm(at);
  }

  // ── the hot path ─────────────────────────────────────────────────────────

  /** `reserved`: the quantity was reserved by a hold being committed, so limits and the wallet already made room for it. */
  private process(e: MeterEvent, now: number, withTotals: boolean, reserved = false): RecordResult {
    const governing = this.governing(e.projectId);
    if (governing?.status === "paused") return this.refuse(e, now, paused(governing));
    const meter = meterOf(this.meters, e.metric);
    let value: string | undefined;
    if (meter.aggregation === "unique_count") {
      const v = meter.uniqueProperty === undefined ? undefined : e.properties?.[meter.uniqueProperty];
      if (v === undefined || v === null) return this.refuse(e, now, missingProperty(meter), false);
      value = String(v);
    }
    const quantity = decimal(e.quantity);
    const dims = this.dimsOf(e);
    // Which counters see a new distinct value must be known before the value is stored.
    const fresh = new Map<Counter, boolean>();
    const isNew = (c: Counter) => {
      if (value === undefined) return false;
      let known = fresh.get(c);
      if (known === undefined) fresh.set(c, (known = !this.store.hasValue(e.metric, value, c.window, c.scope)));
      return known;
    };
    const checks = this.evaluate(e.metric, quantity, e.timestamp, governing, meter, isNew, now);
    const breach = reserved ? undefined : checks.find((c) => c.rule.enforcement === "hard" && c.after > c.rule.limit);
    if (breach) return this.refuse(e, now, quotaExceeded(breach));
    // Priced when a wallet or a spend cap needs it. A duplicate is priced too (cheaply, from
    // cached counters) but never debited: claimEvent refuses it below.
    const policy = this.wallet.settings().policy;
    const caps = this.quotasByMetric.get(COST_METRIC);
    const charge = policy === null && !caps ? null : this.price(e, governing, meter, isNew);
    if (charge && charge.delta > 0 && !reserved) {
      const cap = caps && this.capBreach(caps, governing!, charge, now);
      if (cap) return this.refuse(e, now, cap);
      if (policy === "block") {
        const available = this.wallet.available(charge.currency, e.metric, now);
        if (available < charge.delta) return this.refuse(e, now, insufficientCredits(charge, available));
      }
    }
    if (!this.store.claimEvent(e.eventId, now, { dims, at: e.timestamp, seq: this.seq + 1, quantity: e.quantity, value })) {
      return withTotals
        ? this.withTotals({ eventId: e.eventId, status: "duplicate" }, e, governing, meter, checks, false)
        : { eventId: e.eventId, status: "duplicate" };
    }

    const alerts = this.alertCounters(e, now);
    const seq = ++this.seq;
    const bucket = this.bucketFor(dims);
    addEvent(bucket.agg, quantity, e.timestamp, seq);
    bucket.version = seq;
    this.dirty.add(bucket);
    const matching = [...(this.counters.get(e.metric)?.values() ?? [])].filter((c) => contains(c.window, e.timestamp) && inScope(c.scope, dims.projectId));
    for (const c of matching) if (isNew(c)) c.unique++;
    for (const c of matching) addEvent(c.agg, quantity, e.timestamp, seq);
    if (value !== undefined) this.store.addValue(dims, value);
    if (charge) {
      if (caps && charge.delta > 0) this.noteCapCrossings(caps, governing!, charge, now);
      charge.counter.cost = charge.after;
      if (policy !== null) this.debit(e, charge, now);
    }
    this.noteCrossings(alerts, meter, now);
    for (const c of checks) {
      if (c.rule.enforcement === "soft" && c.before <= c.rule.limit && c.after > c.rule.limit) {
        this.store.recordCrossing({
          quotaId: c.rule.id,
          windowStart: c.window.start,
          metric: e.metric,
          at: now,
          current: formatDecimal(c.after),
          limit: formatDecimal(c.rule.limit),
        });
      }
    }
    const accepted: RecordResult = { eventId: e.eventId, status: "accepted" };
    return withTotals ? this.withTotals(accepted, e, governing, meter, checks, true) : accepted;
  }

  /** The quotas in force for `metric` at `ts`, each with its counter's value before and after `quantity`. */
  private evaluate(
    metric: string,
    quantity: bigint,
    ts: number,
    governing: MeterPlanState | null,
    meter: MeterDef,
    isNew: (c: Counter) => boolean,
    now: number,
  ): Check[] {
    const checks: Check[] = [];
    for (const rule of rulesFor(metric, governing, this.quotasByMetric.get(metric) ?? [])) {
      const window = rule.period === "billing_period" ? billingWindow(governing, ts) : calendarWindow(rule.period, ts);
      if (!window) continue;
      const scope = rule.source === "plan" ? this.scopeOf(governing) : ALL;
      const counter = this.counter(metric, scope, window);
      // Open holds count as used (they can only be on sum meters, whose value grows by their quantity).
      const held = contains(window, now) ? this.holds.heldQuantity(metric, scope, now) : 0n;
      const before = meteredValue(counter.agg, meter.aggregation, counter.unique) + held;
      const after =
        meter.aggregation === "unique_count"
          ? before + (isNew(counter) ? SCALE : 0n)
          : meteredValue(addEvent(copyAggregate(counter.agg), quantity, ts, this.seq + 1), meter.aggregation) + held;
      checks.push({ rule, window, counter, before, after });
    }
    return checks;
  }

  /**
   * The event's real-time price, once the tenant has a wallet (a policy): the cost of the
   * governing subscription's usage of the metric after it less the cost before it, priced
   * with the plan version's meter exactly as its invoice line will be. Counted from when that
   * version began billing usage in the period (`pricedFrom`). Null when nothing prices it:
   * no wallet, no priced meter, usage not billed now (a free trial), or an event dated
   * outside the version's part of the period (its invoice bills it; the balance pays then).
   */
  private price(e: MeterEvent, governing: MeterPlanState | null, meter: MeterDef, isNew: (c: Counter) => boolean, held = 0n): Charge | null {
    if (!governing?.currency || governing.pricedFrom === null || governing.pricedFrom === undefined) return null;
    const planMeter = governing.meters.find((m) => m.metric === e.metric);
    if (!planMeter?.price) return null;
    const window = pricingWindow(governing, e.timestamp);
    if (!window || e.timestamp < window.start) return null;
    const counter = this.counter(e.metric, this.scopeOf(governing), window);
    const counted = meteredValue(counter.agg, meter.aggregation, counter.unique);
    const after =
      meter.aggregation === "unique_count"
        ? counted + (isNew(counter) ? SCALE : 0n)
        : meteredValue(addEvent(copyAggregate(counter.agg), decimal(e.quantity), e.timestamp, this.seq + 1), meter.aggregation) + held;
    const mode = governing.roundingMode ?? "half_up";
    counter.cost ??= costOf(planMeter, formatDecimal(counted), mode);
    // A hold is priced on top of what other holds reserve (held > 0 only for holds).
    const before = held === 0n ? counter.cost : costOf(planMeter, formatDecimal(counted + held), mode);
    const cost = costOf(planMeter, formatDecimal(after), mode);
    const periodStart = billingWindow(governing, e.timestamp)!.start;
    return {
      meter: planMeter,
      counter,
      after: cost,
      delta: cost - before,
      currency: governing.currency,
      subscriptionId: governing.subscriptionId,
      periodStart,
    };
  }

  /** Debits (or, for a negative marginal price, gives back) the event's price, and notes thresholds it crossed. */
  private debit(e: MeterEvent, charge: Charge, now: number): void {
    if (charge.delta === 0) return;
    const ctx = {
      currency: charge.currency,
      metric: e.metric,
      eventId: e.eventId,
      subscriptionId: charge.subscriptionId,
      periodStart: charge.periodStart,
      now,
    };
    const before = this.wallet.total(charge.currency, now);
    if (charge.delta > 0) this.wallet.debit(ctx, charge.delta);
    else this.wallet.reverse(ctx, -charge.delta);
    const notices = this.wallet.noteThresholds(charge.currency, before, now);
    const topUp = this.wallet.requestTopUp(charge.currency, before, now);
    if (topUp) notices.push(topUp);
    this.noticed.push(...notices);
  }

  /** This call's wallet notices, for its caller to write to D1 at once (the alarm writes whatever it does not). */
  private withNotices<T extends object>(result: T): T & { notices?: WalletNotice[] } {
    if (this.noticed.length === 0) return result;
    this.scheduleFlush();
    return { ...result, notices: this.noticed };
  }

  /**
   * What the governing subscription's priced usage has cost so far in the pricing window of
   * `charge`, as its invoice lines will price it (each meter rounded once), plus what open
   * holds reserve: what a spend cap compares.
   */
  private spent(governing: MeterPlanState, window: Window, now: number): number {
    let cost = 0;
    const mode = governing.roundingMode ?? "half_up";
    for (const m of governing.meters) {
      if (!m.price) continue;
      const c = this.counter(m.metric, this.scopeOf(governing), window);
      cost += c.cost ??= costOf(m, formatDecimal(meteredValue(c.agg, meterOf(this.meters, m.metric).aggregation, c.unique)), mode);
    }
    return cost + (governing.currency ? this.holds.heldAmount(governing.currency, now) : 0);
  }

  /** The first hard spend cap `charge` would pass. */
  private capBreach(caps: readonly QuotaDefinition[], governing: MeterPlanState, charge: Charge, now: number): Refusal | null {
    const spent = this.spent(governing, charge.counter.window, now);
    const cap = caps.find((q) => q.enforcement === "hard" && spent + charge.delta > Number(q.limit));
    return cap ? spendCapExceeded(cap, spent, charge) : null;
  }

  /** Soft spend caps the accepted `charge` passed are recorded once per window, like soft quotas. */
  private noteCapCrossings(caps: readonly QuotaDefinition[], governing: MeterPlanState, charge: Charge, now: number): void {
    const spent = this.spent(governing, charge.counter.window, now);
    for (const q of caps) {
      const limit = Number(q.limit);
      if (q.enforcement === "soft" && spent <= limit && spent + charge.delta > limit) {
        this.store.recordCrossing({
          quotaId: q.id,
          windowStart: charge.counter.window.start,
          metric: COST_METRIC,
          at: now,
          current: String(spent + charge.delta),
          limit: q.limit,
        });
      }
    }
  }

  /**
   * The alerts on `e.metric` whose current window (the one containing now) holds the event,
   * with their counters' values before it. Counters are tenant-wide (every project).
   */
  private alertCounters(e: MeterEvent, now: number): Array<{ rule: MeterAlertRule; counter: Counter; before: bigint }> {
    const rules = this.alertsByMetric.get(e.metric);
    if (!rules) return [];
    const out = [];
    for (const rule of rules) {
      const window =
        rule.period === "billing_period" ? (billingWindow(this.governing(null), now) ?? calendarWindow("month", now)) : calendarWindow(rule.period, now);
      if (!contains(window, e.timestamp)) continue;
      out.push({ rule, counter: this.counter(e.metric, ALL, window), before: this.currentValue(e.metric, ALL, window) });
    }
    return out;
  }

  private noteCrossings(alerts: Array<{ rule: MeterAlertRule; counter: Counter; before: bigint }>, meter: MeterDef, now: number): void {
    for (const { rule, counter, before } of alerts) {
      const threshold = decimal(rule.threshold);
      const after = meteredValue(counter.agg, meter.aggregation, counter.unique);
      if (before < threshold && after >= threshold) {
        this.crossed.push({
          alertId: rule.alertId,
          metric: rule.metric,
          value: formatDecimal(after),
          threshold: rule.threshold,
          at: now,
          windowStart: counter.window.start,
          windowEnd: counter.window.end,
        });
      }
    }
  }

  /** Refuses an event: counted once as rejected (unless `count` is false), never as usage. */
  private refuse(e: MeterEvent, now: number, reason: Refusal, count = true): EventOutcome {
    if (this.store.wasAccepted(e.eventId)) return { eventId: e.eventId, status: "duplicate" };
    if (count && this.store.noteRejection(e.eventId, now)) {
      const bucket = this.bucketFor(this.dimsOf(e));
      bucket.agg.rejected++;
      bucket.version = ++this.seq;
      this.dirty.add(bucket);
    }
    return { eventId: e.eventId, status: "rejected", reason };
  }

  private withTotals(
    outcome: RecordedEvent,
    e: MeterEvent,
    governing: MeterPlanState | null,
    meter: MeterDef,
    checks: Check[],
    applied: boolean,
  ): RecordResult {
    const window = billingWindow(governing, e.timestamp);
    const quotas = checks.map((c) => this.usageOf(c.rule, c.window, applied ? meteredValue(c.counter.agg, meter.aggregation, c.counter.unique) : c.before));
    if (!window) return { ...outcome, quotas };
    const counter = this.counter(e.metric, this.scopeOf(governing), window);
    return {
      ...outcome,
      total: {
        metric: e.metric,
        aggregation: meter.aggregation,
        quantity: formatDecimal(meteredValue(counter.agg, meter.aggregation, counter.unique)),
        periodStart: isoBound(window.start),
        periodEnd: isoBound(window.end),
      },
      quotas,
    };
  }

  // ── counters and buckets ─────────────────────────────────────────────────

  private counter(metric: string, scope: Scope, window: Window): Counter {
    let byKey = this.counters.get(metric);
    if (!byKey) this.counters.set(metric, (byKey = new Map()));
    const key = `${scopeKey(scope)}|${window.start}|${window.end}`;
    let counter = byKey.get(key);
    if (!counter) {
      this.writeDirty(); // the SQL below must see this transaction's changes
      const unique = meterOf(this.meters, metric).aggregation === "unique_count";
      counter = {
        scope,
        window,
        agg: this.store.aggregate(metric, window, scope),
        unique: unique ? this.store.countValues(metric, window, scope) : 0,
      };
      byKey.set(key, counter);
    }
    return counter;
  }

  private currentValue(metric: string, scope: Scope, window: Window): bigint {
    const c = this.counter(metric, scope, window);
    return meteredValue(c.agg, meterOf(this.meters, metric).aggregation, c.unique);
  }

  private bucketFor(dims: BucketDims): Bucket {
    const key = bucketKey(dims);
    let bucket = this.hot.get(key);
    if (!bucket) {
      if (this.hot.size >= MAX_HOT_BUCKETS) {
        this.writeDirty();
        this.hot.clear();
      }
      bucket = this.store.loadBucket(dims) ?? newBucket(dims);
      this.hot.set(key, bucket);
    }
    return bucket;
  }

  private dimsOf(e: MeterEvent): BucketDims {
    return {
      metric: e.metric,
      bucketStart: bucketStart(e.timestamp, this.boundaries),
      projectId: e.projectId ?? "",
      resource: e.resource ?? "",
      costCenterId: e.costCenterId ?? "",
    };
  }

  private writeDirty(): void {
    for (const bucket of this.dirty) this.store.saveBucket(bucket);
    this.dirty.clear();
  }

  /** Inside the transaction: this call's crossings join the alert outbox (bounded; the oldest go first). */
  private keepCrossings<T>(result: T): T {
    if (this.crossed.length) {
      const kept = [...this.alertOutbox, ...this.crossed].slice(-MAX_PENDING_ALERTS);
      this.store.setMeta("alert_outbox", JSON.stringify(kept));
      this.alertOutbox = kept;
    }
    return result;
  }

  /** Runs `fn` as one SQLite transaction; on failure drops the caches, which may hold rolled-back changes. */
  private transact<T>(fn: () => T): T {
    const seqBefore = this.seq;
    try {
      const result = this.ctx.storage.transactionSync(() => {
        const r = fn();
        this.writeDirty();
        return r;
      });
      if (this.seq !== seqBefore) this.scheduleFlush();
      return result;
    } catch (err) {
      this.dirty.clear();
      this.hot.clear();
      this.counters.clear();
      this.wallet.forget();
      this.holds.forget();
      this.alertOutbox = JSON.parse(String(this.store.getMeta("alert_outbox") ?? "[]")) as AlertCrossing[];
      throw err;
    }
  }

  // ── plan states and quotas ───────────────────────────────────────────────

  private applyPlanStates(states: MeterPlanState[]): void {
    this.states = new Map(states.map((s) => [s.subscriptionId, s]));
    const live = states.filter((s) => s.status !== "canceled");
    this.claimed = [...new Set(live.flatMap((s) => (s.projectId === null ? [] : [s.projectId])))].sort();
    this.meters = meterDefinitions(states);
    this.boundaries = this.store.boundaries();
    // Governance or aggregation may have changed: counters are rebuilt from the buckets on demand.
    this.counters.clear();
  }

  private applyQuotas(quotas: QuotaDefinition[]): void {
    this.quotasByMetric = new Map();
    for (const q of quotas) {
      const list = this.quotasByMetric.get(q.metric) ?? [];
      list.push(q);
      this.quotasByMetric.set(q.metric, list);
    }
  }

  private applyAlerts(rules: MeterAlertRule[]): void {
    this.alertsByMetric = new Map();
    for (const r of rules) this.alertsByMetric.set(r.metric, [...(this.alertsByMetric.get(r.metric) ?? []), r]);
  }

  /**
   * The subscription governing usage of `projectId`: the live one for that
   * project, else the live tenant-wide one (the latest period wins a tie).
   */
  private governing(projectId: string | null): MeterPlanState | null {
    let project: MeterPlanState | null = null;
    let tenant: MeterPlanState | null = null;
    for (const s of this.states.values()) {
      if (s.status === "canceled") continue;
      if (s.projectId === null) {
        if (!tenant || s.periodStart > tenant.periodStart) tenant = s;
      } else if (projectId !== null && s.projectId === projectId) {
        if (!project || s.periodStart > project.periodStart) project = s;
      }
    }
    return project ?? tenant;
  }

  private scopeOf(governing: MeterPlanState | null): Scope {
    return governing ? scopeOfSubscription(governing, this.claimed) : ALL;
  }

  private usageOf(rule: QuotaRule, window: Window, current: bigint): QuotaUsage {
    return {
      quotaId: rule.id,
      metric: rule.metric,
      source: rule.source,
      subscriptionId: rule.subscriptionId,
      period: rule.period,
      enforcement: rule.enforcement,
      limit: toNumber(rule.limit),
      current: toNumber(current),
      remaining: toNumber(maxOf(rule.limit - current, 0n)),
      resetsAt: isoBound(window.end),
      exceeded: current > rule.limit,
    };
  }

  private unlimited(metric: string, governing: MeterPlanState | null, now: number): CheckResult {
    const window = billingWindow(governing, now);
    return {
      allowed: true,
      metric,
      quotaId: null,
      current: window ? toNumber(this.currentValue(metric, this.scopeOf(governing), window)) : 0,
      limit: null,
      remaining: null,
      resetsAt: window ? iso(window.end) : null,
    };
  }

  // ── flushing and retention ───────────────────────────────────────────────

  private get tenantId(): string {
    const name = this.ctx.id.name;
    if (!name) throw new Error("TenantMeter must be addressed by name: env.TENANT_METER.getByName(tenantId)");
    return name;
  }

  /** A flush within FLUSH_DELAY_MS: keeps an alarm already due by then (a later one, a hold's expiry, is brought forward; the alarm sets it again). */
  private scheduleFlush(): void {
    const at = Date.now() + FLUSH_DELAY_MS;
    if (this.alarmAt !== null && this.alarmAt <= at) return;
    this.alarmAt = at;
    void this.ctx.storage.setAlarm(at);
  }

  private async flushNow(): Promise<void> {
    for (let notices = this.wallet.notices(100); notices.length > 0; notices = this.wallet.notices(100)) {
      await writeWalletNotices(this.env, this.tenantId, notices, { wake: true });
      this.ctx.storage.transactionSync(() => this.wallet.ackNotices(notices.map((n) => n.id)));
    }
    for (;;) {
      const rows = this.store.unflushedRows(FLUSH_CHUNK);
      const values = this.store.unflushedValues(FLUSH_CHUNK);
      if (rows.length === 0 && values.length === 0) return;
      await writeRollups(this.env.DB, this.tenantId, rows, values, Date.now());
      this.ctx.storage.transactionSync(() => this.store.markFlushed(rows, values));
      log("debug", "meter.flushed", { tenant: this.tenantId, rows: rows.length, values: values.length });
      if (rows.length < FLUSH_CHUNK && values.length < FLUSH_CHUNK) return;
    }
  }

  private prune(now: number): void {
    const periodStarts = [...this.states.values()].filter((s) => s.status !== "canceled").map((s) => s.periodStart);
    const bucketsBefore = Math.min(now - BUCKET_RETENTION_MS, ...periodStarts);
    this.ctx.storage.transactionSync(() => {
      this.store.prune(now - RETENTION_MS, bucketsBefore, now - 3 * RETENTION_MS);
      this.holds.prune(now - RETENTION_MS);
      this.store.setMeta("pruned_at", Date.now());
    });
    this.hot.clear();
    for (const byKey of this.counters.values()) {
      for (const [key, c] of byKey) if (c.window.end <= now) byKey.delete(key);
    }
  }
}

/** Window bounds as ISO strings: a handful of instants, asked by every recorded event's answer, so each is formatted once. */
const isoBounds = new Map<number, string>();
function isoBound(ms: number): string {
  let s = isoBounds.get(ms);
  if (s === undefined) {
    if (isoBounds.size >= 256) isoBounds.clear();
    isoBounds.set(ms, (s = iso(ms)));
  }
  return s;
}

function quotaExceeded(c: Check): Refusal {
  const current = toNumber(c.before);
  const limit = toNumber(c.rule.limit);
  const per = c.rule.period === "billing_period" ? "billing period" : c.rule.period;
  return {
    code: "QUOTA_EXCEEDED",
    message: `Quota exceeded for ${c.rule.metric}: ${current} of ${limit} per ${per} used`,
    details: {
      metric: c.rule.metric,
      current,
      limit,
      remaining: toNumber(maxOf(c.rule.limit - c.before, 0n)),
      resetsAt: iso(c.window.end),
      quotaId: c.rule.id,
      period: c.rule.period,
    },
  };
}

/**
 * Where the governing plan version prices usage in the billing period containing `ts`: from
 * when it began billing usage there (a plan change starts a new count) to the period's end.
 * Null when usage is not billed now.
 */
function pricingWindow(governing: MeterPlanState, ts: number): Window | null {
  if (governing.pricedFrom === null || governing.pricedFrom === undefined) return null;
  const window = billingWindow(governing, ts);
  if (!window) return null;
  return window.start === governing.periodStart ? { start: Math.max(governing.pricedFrom, window.start), end: window.end } : window;
}

function spendCapExceeded(cap: QuotaDefinition, spent: number, charge: Charge): Refusal {
  const limit = Number(cap.limit);
  return {
    code: "SPEND_CAP_EXCEEDED",
    message: `Spend cap reached: this usage of ${charge.meter.metric} costs ${charge.delta} and ${spent} of ${limit} ${charge.currency} (minor units) is spent this billing period`,
    details: { quotaId: cap.id, limit, current: spent, needed: charge.delta, currency: charge.currency, resetsAt: iso(charge.counter.window.end) },
  };
}

/** Thrown inside a commit's transaction to roll all of it back. */
class HoldRefused extends Error {
  constructor(readonly refusal: Refusal) {
    super(refusal.message);
  }
}

/** The answer to opening a hold whose id is taken: the hold itself if it is the same one and in force. */
function existingHold(existing: Hold, h: { holdId: string; metric: string; quantity: string; projectId: string | null }, now: number): HoldOutcome {
  const same = existing.metric === h.metric && existing.quantity === decimal(h.quantity) && existing.projectId === h.projectId;
  if (!same) return { ok: false, error: "conflict", holdId: h.holdId };
  return inForce(existing, now)
    ? { ok: true, hold: existing, created: false }
    : { ok: false, error: "closed", holdId: h.holdId, status: existing.status === "open" ? "expired" : existing.status };
}

function paused(governing: MeterPlanState): Refusal {
  return {
    code: "SUBSCRIPTION_PAUSED",
    message: `Subscription ${governing.subscriptionId} is paused; usage is not accepted until it resumes`,
    details: { subscriptionId: governing.subscriptionId },
  };
}

function notHoldable(meter: MeterDef): Refusal {
  return {
    code: "VALIDATION_ERROR",
    message: `Metric ${meter.metric} aggregates by ${meter.aggregation}: only sum meters can be held`,
    details: [{ path: "metric", message: "holds need a sum meter", code: "not_holdable" }],
  };
}

function insufficientCredits(charge: Charge, available: number): Refusal {
  return {
    code: "INSUFFICIENT_CREDITS",
    message: `The wallet cannot pay for this usage of ${charge.meter.metric}: it costs ${charge.delta} and ${Math.max(0, available)} ${charge.currency} (minor units) is available`,
    details: { metric: charge.meter.metric, needed: charge.delta, available: Math.max(0, available), currency: charge.currency },
  };
}

function missingProperty(meter: MeterDef): Refusal {
  const path = `properties.${meter.uniqueProperty ?? ""}`;
  return {
    code: "VALIDATION_ERROR",
    message: `Metric ${meter.metric} counts distinct values of ${path}, which the event does not carry`,
    details: [{ path, message: "required by this metric's unique_count meter", code: "missing_property" }],
  };
}
