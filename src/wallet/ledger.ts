import { newId } from "../lib/ids";
import type { EntryKind, Grant, GrantInput, Settlement, WalletBalance, WalletEntry, WalletNotice, WalletSettings } from "./types";

/**
 * The wallet's storage inside the tenant's meter (a Durable Object's SQLite): the one place a
 * tenant's credit lives. Grants keep their remainder; every change of a remainder is an entry
 * (the transaction list); a period's real-time debits are tallied per subscription period so
 * its invoice can settle against them. Every method is synchronous and runs inside the
 * meter's transaction, so a debit is decided and written with no await in between.
 * Tables: docs/tenant-meter-storage.md.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS wallet_grants (
  grant_id TEXT PRIMARY KEY,
  currency TEXT NOT NULL,
  amount INTEGER NOT NULL,
  remaining INTEGER NOT NULL,
  priority INTEGER NOT NULL,
  expires_at INTEGER,
  applies_to TEXT,
  reason TEXT NOT NULL,
  source TEXT NOT NULL,
  subscription_id TEXT,
  invoice_id TEXT,
  created_by TEXT,
  created_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS wallet_entries (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL,
  kind TEXT NOT NULL,
  amount INTEGER NOT NULL,
  currency TEXT NOT NULL,
  grant_id TEXT NOT NULL,
  event_id TEXT,
  metric TEXT,
  subscription_id TEXT,
  period_start INTEGER,
  invoice_id TEXT,
  reason TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS wallet_entries_by_period ON wallet_entries (subscription_id, period_start) WHERE period_start IS NOT NULL;
CREATE INDEX IF NOT EXISTS wallet_entries_by_invoice ON wallet_entries (invoice_id) WHERE invoice_id IS NOT NULL;
CREATE TABLE IF NOT EXISTS wallet_periods (
  subscription_id TEXT NOT NULL,
  period_start INTEGER NOT NULL,
  currency TEXT NOT NULL,
  debited INTEGER NOT NULL,
  uncovered INTEGER NOT NULL,
  PRIMARY KEY (subscription_id, period_start)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS wallet_settlements (
  invoice_id TEXT PRIMARY KEY,
  subscription_id TEXT,
  period_start INTEGER,
  currency TEXT NOT NULL,
  total INTEGER NOT NULL,
  prepaid INTEGER NOT NULL,
  consumed INTEGER NOT NULL,
  refunded INTEGER NOT NULL,
  applied INTEGER NOT NULL,
  status TEXT NOT NULL,
  at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS wallet_notices (id TEXT PRIMARY KEY, type TEXT NOT NULL, at INTEGER NOT NULL, data TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS wallet_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
`;

type Row = Record<string, SqlStorageValue>;

/** Without a threshold of its own, a balance is low under this share of the unexpired credit granted. */
export const LOW_BALANCE_PERCENT = 10;

/** Debit order: lower priority number first, then the grant that expires soonest (never-expiring last), then the oldest. */
const ORDER = "priority, expires_at IS NULL, expires_at, created_at, grant_id";

const toGrant = (r: Row): Grant => ({
  grantId: r.grant_id as string,
  currency: r.currency as string,
  amount: r.amount as number,
  remaining: r.remaining as number,
  priority: r.priority as number,
  expiresAt: r.expires_at as number | null,
  appliesTo: r.applies_to === null ? null : (JSON.parse(r.applies_to as string) as string[]),
  reason: r.reason as string,
  source: r.source as Grant["source"],
  subscriptionId: r.subscription_id as string | null,
  invoiceId: r.invoice_id as string | null,
  createdBy: r.created_by as string | null,
  createdAt: r.created_at as number,
});

const toSettlement = (r: Row): Settlement => ({
  invoiceId: r.invoice_id as string,
  total: r.total as number,
  prepaid: r.prepaid as number,
  consumed: r.consumed as number,
  refunded: r.refunded as number,
  applied: r.applied as number,
});

const toEntry = (r: Row): WalletEntry => ({
  id: r.id as string,
  seq: r.seq as number,
  kind: r.kind as EntryKind,
  amount: r.amount as number,
  currency: r.currency as string,
  grantId: r.grant_id as string,
  expiresAt: r.expires_at as number | null,
  reason: r.reason as string,
  eventId: r.event_id as string | null,
  metric: r.metric as string | null,
  subscriptionId: r.subscription_id as string | null,
  periodStart: r.period_start as number | null,
  invoiceId: r.invoice_id as string | null,
  createdAt: r.created_at as number,
});

/** What a usage event's debit touches. */
export interface DebitContext {
  currency: string;
  metric: string;
  eventId: string;
  subscriptionId: string;
  periodStart: number;
  now: number;
}

export class WalletLedger {
  /** Live grants (remaining > 0) by currency, in debit order: the hot path reads them without SQL. */
  private live: Map<string, Grant[]> | null = null;
  private cachedSettings: WalletSettings | null = null;
  /** granted() per currency, valid for `now` in [from, until): until the next grant in it expires. */
  private grantedIn = new Map<string, { sum: number; from: number; until: number }>();

  constructor(
    private readonly sql: SqlStorage,
    /** Money reserved by open holds, per currency (src/metering's holds). */
    private readonly heldIn: (currency: string, now: number) => number = () => 0,
  ) {}

  migrate(): void {
    this.sql.exec(SCHEMA);
  }

  /** Drops what memory holds (after a rolled-back transaction). */
  forget(): void {
    this.live = null;
    this.grantedIn.clear();
    this.cachedSettings = null;
  }

  // ── settings ───────────────────────────────────────────────────────────────

  settings(): WalletSettings {
    if (!this.cachedSettings) {
      const rows = new Map(
        this.sql
          .exec("SELECT key, value FROM wallet_settings")
          .toArray()
          .map((r) => [r.key as string, JSON.parse(r.value as string) as unknown]),
      );
      this.cachedSettings = {
        policy: (rows.get("policy") as WalletSettings["policy"]) ?? null,
        lowBalanceThreshold: (rows.get("lowBalanceThreshold") as number | null) ?? null,
        autoTopUp: (rows.get("autoTopUp") as WalletSettings["autoTopUp"]) ?? null,
      };
    }
    return this.cachedSettings;
  }

  saveSettings(next: Partial<WalletSettings>): WalletSettings {
    for (const [key, value] of Object.entries(next)) if (value !== undefined) this.put(key, value);
    this.cachedSettings = null;
    return this.settings();
  }

  // ── grants and balances ──────────────────────────────────────────────────

  /** Adds a grant once per grantId; a repeat returns the grant as it is (created: false). */
  grant(g: GrantInput, now: number): { created: boolean; grant: Grant } {
    const written = this.sql.exec(
      `INSERT INTO wallet_grants (grant_id, currency, amount, remaining, priority, expires_at, applies_to, reason, source, subscription_id, invoice_id, created_by, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      g.grantId,
      g.currency,
      g.amount,
      g.amount,
      g.priority,
      g.expiresAt,
      g.appliesTo === null ? null : JSON.stringify(g.appliesTo),
      g.reason,
      g.source,
      g.subscriptionId,
      g.invoiceId,
      g.createdBy,
      now,
    ).rowsWritten;
    if (written > 0) {
      this.entry(
        {
          kind: "grant",
          amount: g.amount,
          currency: g.currency,
          grantId: g.grantId,
          reason: g.reason,
          subscriptionId: g.subscriptionId,
          invoiceId: g.invoiceId,
        },
        now,
      );
      this.live = null;
      this.grantedIn.delete(g.currency);
    }
    return { created: written > 0, grant: this.findGrant(g.grantId)! };
  }

  findGrant(grantId: string): Grant | undefined {
    const row = this.sql.exec("SELECT * FROM wallet_grants WHERE grant_id = ?", grantId).toArray()[0];
    return row && toGrant(row);
  }

  grants(): Grant[] {
    return this.sql.exec(`SELECT * FROM wallet_grants ORDER BY ${ORDER}`).toArray().map(toGrant);
  }

  /** Whether anything was ever granted (a tenant put on a test clock must have nothing). */
  hasData(): boolean {
    return this.sql.exec("SELECT 1 FROM wallet_grants LIMIT 1").toArray().length > 0 || this.settings().policy !== null;
  }

  /** Per currency: unexpired remainder less what holds reserve. */
  balances(now: number): WalletBalance[] {
    const rows = this.sql
      .exec(
        "SELECT currency, coalesce(sum(CASE WHEN expires_at IS NULL OR expires_at > ? THEN remaining ELSE 0 END), 0) AS left FROM wallet_grants GROUP BY currency ORDER BY currency",
        now,
      )
      .toArray();
    return rows.map((r) => {
      const held = this.heldIn(r.currency as string, now);
      return { currency: r.currency as string, available: (r.left as number) - held, held };
    });
  }

  /** What a real-time debit of `metric` may use now: unexpired grants that apply to it, less holds. */
  available(currency: string, metric: string | null, now: number): number {
    let sum = 0;
    for (const g of this.usable(currency, metric, now)) sum += g.remaining;
    return sum - this.heldIn(currency, now);
  }

  /** The whole unexpired balance in `currency` (what thresholds compare), less holds. */
  total(currency: string, now: number): number {
    let sum = 0;
    for (const g of this.liveGrants(currency)) if (g.expiresAt === null || g.expiresAt > now) sum += g.remaining;
    return sum - this.heldIn(currency, now);
  }

  /** What an invoice billed as of `validAt` may use: grants made by then, unexpired then, for any use. */
  availableForInvoice(currency: string, validAt: number): number {
    const row = this.sql
      .exec(
        "SELECT coalesce(sum(remaining), 0) AS left FROM wallet_grants WHERE currency = ? AND applies_to IS NULL AND created_at <= ? AND (expires_at IS NULL OR expires_at > ?)",
        currency,
        validAt,
        validAt,
      )
      .one();
    return row.left as number;
  }

  /**
   * After the balance in `currency` moved down from `before`: notices for the thresholds it
   * crossed (`credits.balance_low` under the tenant's threshold, or without one under
   * LOW_BALANCE_PERCENT of the unexpired credit granted; `credits.depleted` at zero).
   * Returns the notices it wrote.
   */
  noteThresholds(currency: string, before: number, now: number): WalletNotice[] {
    const after = this.total(currency, now);
    if (after >= before) return [];
    const threshold = this.settings().lowBalanceThreshold ?? Math.floor((this.granted(currency, now) * LOW_BALANCE_PERCENT) / 100);
    const notices: WalletNotice[] = [];
    if (threshold > 0 && before >= threshold && after < threshold) {
      notices.push({ id: newId("evt", now), type: "credits.balance_low", at: now, data: { currency, balance: after, threshold } });
    }
    if (before > 0 && after <= 0) notices.push({ id: newId("evt", now), type: "credits.depleted", at: now, data: { currency, balance: after } });
    for (const n of notices) this.notify(n);
    return notices;
  }

  /**
   * Auto top-up: a debit that takes the balance in `currency` from at or above the threshold
   * to below it asks for one top-up (a notice the meter hands to D1 as an outbox row), unless
   * one is still in flight or this month's are used up. Returns the notice.
   */
  requestTopUp(currency: string, before: number, now: number): WalletNotice | null {
    const top = this.settings().autoTopUp;
    if (!top || top.failedAt !== null || this.setting("topUpPending") !== null) return null;
    const after = this.total(currency, now);
    if (!(before >= top.threshold && after < top.threshold)) return null;
    const month = `topUps:${new Date(now).toISOString().slice(0, 7)}`;
    const started = (this.setting(month) as number | null) ?? 0;
    if (started >= top.maxPerMonth) return null;
    const topUpId = newId("topup", now);
    this.put(month, started + 1);
    this.put("topUpPending", topUpId);
    const notice: WalletNotice = { id: topUpId, type: "credits.top_up.requested", at: now, data: { topUpId, currency, amount: top.amount } };
    this.notify(notice);
    return notice;
  }

  /** The top-up in flight has ended (paid or failed): the next crossing may ask again. */
  endTopUp(topUpId: string, failure: string | null, now: number): boolean {
    if (this.setting("topUpPending") !== topUpId) return false;
    this.sql.exec("DELETE FROM wallet_settings WHERE key = 'topUpPending'");
    const top = this.settings().autoTopUp;
    if (failure !== null && top) this.saveSettings({ autoTopUp: { ...top, failedAt: now, failure } });
    this.cachedSettings = null;
    return true;
  }

  private setting(key: string): unknown {
    const row = this.sql.exec("SELECT value FROM wallet_settings WHERE key = ?", key).toArray()[0];
    return row ? (JSON.parse(row.value as string) as unknown) : null;
  }

  private put(key: string, value: unknown): void {
    this.sql.exec("INSERT INTO wallet_settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", key, JSON.stringify(value));
  }

  /**
   * The unexpired credit ever granted in `currency` (what the default low-balance threshold is a
   * share of). Every debit asks, so it is kept until a grant is added or the next one expires.
   */
  private granted(currency: string, now: number): number {
    const kept = this.grantedIn.get(currency);
    if (kept && kept.from <= now && now < kept.until) return kept.sum;
    const row = this.sql
      .exec(
        "SELECT coalesce(sum(amount), 0) AS n, min(expires_at) AS next FROM wallet_grants WHERE currency = ? AND (expires_at IS NULL OR expires_at > ?)",
        currency,
        now,
      )
      .one();
    const sum = row.n as number;
    this.grantedIn.set(currency, { sum, from: now, until: row.next === null ? Number.POSITIVE_INFINITY : (row.next as number) });
    return sum;
  }

  // ── real-time debits ─────────────────────────────────────────────────────

  /**
   * Takes up to `amount` from the grants that may pay for the event's metric, in order; what
   * they cannot cover is `uncovered` (it stays on the invoice). Tallied for the period.
   */
  debit(d: DebitContext, amount: number): { debited: number; uncovered: number } {
    let left = amount;
    for (const g of this.usable(d.currency, d.metric, d.now)) {
      if (left === 0) break;
      const take = Math.min(left, g.remaining);
      this.move(g, -take, "usage", d, `Usage of ${d.metric}`, true);
      left -= take;
    }
    this.tally(d, amount - left, left);
    return { debited: amount - left, uncovered: left };
  }

  /**
   * A negative marginal price (a volume tier whose lower price now covers every unit): the
   * period's unpaid remainder shrinks first, then the grants debited in the period get back
   * what they paid, the latest debit first.
   */
  reverse(d: DebitContext, amount: number): void {
    const period = this.period(d.subscriptionId, d.periodStart);
    const fromUncovered = Math.min(amount, period?.uncovered ?? 0);
    let left = amount - fromUncovered;
    const back = left;
    for (const { grantId, paid } of this.paidInPeriod(d.subscriptionId, d.periodStart)) {
      if (left === 0) break;
      const give = Math.min(left, paid);
      const g = this.findGrant(grantId)!;
      this.move(g, give, "usage_reversal", d, `Usage of ${d.metric} repriced (volume tier)`);
      left -= give;
    }
    this.tally(d, -(back - left), -fromUncovered);
  }

  /** Real-time debits of a subscription period, net of reversals. */
  prepaid(subscriptionId: string, periodStart: number): number {
    return this.period(subscriptionId, periodStart)?.debited ?? 0;
  }

  // ── invoices ─────────────────────────────────────────────────────────────

  /**
   * Settles an invoice of `total` against the wallet, once per invoice (a repeat with the
   * same total answers the same; a different total first undoes the earlier settlement).
   * Real-time debits of the invoice's period pay first; above the total they go back to
   * their grants; below it the balance pays the rest from grants valid at `validAt` (made by
   * then and not expired then) that are not restricted to metrics.
   */
  settle(s: {
    invoiceId: string;
    subscriptionId: string | null;
    periodStart: number | null;
    currency: string;
    total: number;
    validAt: number;
    now: number;
  }): Settlement {
    const held = this.settlement(s.invoiceId);
    if (held && held.status === "settled" && held.total === s.total) return toSettlement(held);
    if (held && held.status === "settled") this.undo(s.invoiceId, "settlement_reversal", s.now, `Invoice ${s.invoiceId} recomputed`);
    this.sql.exec("DELETE FROM wallet_settlements WHERE invoice_id = ?", s.invoiceId);

    const prepaid = s.subscriptionId !== null && s.periodStart !== null ? this.prepaid(s.subscriptionId, s.periodStart) : 0;
    // Consumption carries no period: only real-time usage and its returns count as the period's prepaid.
    const ctx = { currency: s.currency, subscriptionId: s.subscriptionId, periodStart: null, invoiceId: s.invoiceId, now: s.now };
    let refunded = 0;
    let consumed = 0;
    if (prepaid > s.total) {
      refunded = this.giveBackPrepaid(
        s.subscriptionId!,
        s.periodStart!,
        prepaid - s.total,
        "settlement_refund",
        ctx,
        `Prepaid usage above invoice ${s.invoiceId}'s total`,
      );
    } else {
      let need = s.total - prepaid;
      const grants = this.sql
        .exec(
          `SELECT * FROM wallet_grants WHERE currency = ? AND remaining > 0 AND applies_to IS NULL AND created_at <= ? AND (expires_at IS NULL OR expires_at > ?) ORDER BY ${ORDER}`,
          s.currency,
          s.validAt,
          s.validAt,
        )
        .toArray()
        .map(toGrant);
      for (const g of grants) {
        if (need === 0) break;
        const take = Math.min(need, g.remaining);
        this.move(g, -take, "consumption", ctx, `Applied to invoice ${s.invoiceId}`);
        need -= take;
        consumed += take;
      }
    }
    const applied = Math.min(prepaid, s.total) + consumed;
    this.sql.exec(
      "INSERT INTO wallet_settlements (invoice_id, subscription_id, period_start, currency, total, prepaid, consumed, refunded, applied, status, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'settled', ?)",
      s.invoiceId,
      s.subscriptionId,
      s.periodStart,
      s.currency,
      s.total,
      prepaid,
      consumed,
      refunded,
      applied,
      s.now,
    );
    return { invoiceId: s.invoiceId, total: s.total, prepaid, consumed, refunded, applied };
  }

  /** A voided invoice gives back all it took: what it consumed and the prepaid usage it counted. Once. */
  restore(invoiceId: string, now: number): boolean {
    const held = this.settlement(invoiceId);
    if (held?.status !== "settled") return false;
    this.undo(invoiceId, "restore", now, `Invoice ${invoiceId} voided`);
    const prepaidUsed = Math.min(held.prepaid as number, held.total as number);
    if (prepaidUsed > 0) {
      const ctx = { currency: held.currency as string, invoiceId, now };
      this.giveBackPrepaid(held.subscription_id as string, held.period_start as number, prepaidUsed, "restore", ctx, `Invoice ${invoiceId} voided`);
    }
    this.sql.exec("UPDATE wallet_settlements SET status = 'voided' WHERE invoice_id = ?", invoiceId);
    return true;
  }

  // ── the transaction list and notices ─────────────────────────────────────

  /** Newest first, `limit` of them before the entry `beforeSeq` (exclusive). */
  entries(q: { limit: number; beforeSeq?: number; currency?: string }): WalletEntry[] {
    return this.sql
      .exec(
        `SELECT e.*, g.expires_at FROM wallet_entries e JOIN wallet_grants g USING (grant_id)
         WHERE e.seq < ? AND (? IS NULL OR e.currency = ?) ORDER BY e.seq DESC LIMIT ?`,
        q.beforeSeq ?? Number.MAX_SAFE_INTEGER,
        q.currency ?? null,
        q.currency ?? null,
        q.limit,
      )
      .toArray()
      .map(toEntry);
  }

  /** The entry that created a grant. */
  grantEntry(grantId: string): WalletEntry | undefined {
    const row = this.sql
      .exec("SELECT e.*, g.expires_at FROM wallet_entries e JOIN wallet_grants g USING (grant_id) WHERE e.grant_id = ? AND e.kind = 'grant' LIMIT 1", grantId)
      .toArray()[0];
    return row && toEntry(row);
  }

  notify(n: WalletNotice): void {
    this.sql.exec("INSERT INTO wallet_notices (id, type, at, data) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING", n.id, n.type, n.at, JSON.stringify(n.data));
  }

  notices(limit: number): WalletNotice[] {
    return this.sql
      .exec("SELECT * FROM wallet_notices ORDER BY at, id LIMIT ?", limit)
      .toArray()
      .map((r) => ({
        id: r.id as string,
        type: r.type as WalletNotice["type"],
        at: r.at as number,
        data: JSON.parse(r.data as string) as WalletNotice["data"],
      }));
  }

  ackNotices(ids: readonly string[]): void {
    for (const id of ids) this.sql.exec("DELETE FROM wallet_notices WHERE id = ?", id);
  }

  // ── internals ────────────────────────────────────────────────────────────

  private liveGrants(currency: string): Grant[] {
    if (!this.live) {
      this.live = new Map();
      for (const g of this.sql.exec(`SELECT * FROM wallet_grants WHERE remaining > 0 ORDER BY ${ORDER}`).toArray().map(toGrant)) {
        this.live.set(g.currency, [...(this.live.get(g.currency) ?? []), g]);
      }
    }
    return this.live.get(currency) ?? [];
  }

  private *usable(currency: string, metric: string | null, now: number): Generator<Grant> {
    for (const g of this.liveGrants(currency)) {
      if (g.remaining <= 0 || (g.expiresAt !== null && g.expiresAt <= now) || g.createdAt > now) continue;
      if (g.appliesTo !== null && (metric === null || !g.appliesTo.includes(metric))) continue;
      yield g;
    }
  }

  /** Changes a grant's remainder by `amount` and records it. */
  private move(
    g: Grant,
    amount: number,
    kind: EntryKind,
    ctx: {
      currency: string;
      subscriptionId: string | null;
      periodStart: number | null;
      invoiceId?: string | null;
      eventId?: string;
      metric?: string;
      now: number;
    },
    reason: string,
    /** `g` is the cached grant (the hot path): it follows the change instead of the cache being dropped. */
    cached = false,
  ): void {
    this.sql.exec("UPDATE wallet_grants SET remaining = remaining + ? WHERE grant_id = ?", amount, g.grantId);
    g.remaining += amount;
    if (!cached) this.live = null;
    this.entry(
      {
        kind,
        amount,
        currency: ctx.currency,
        grantId: g.grantId,
        reason,
        eventId: ctx.eventId,
        metric: ctx.metric,
        subscriptionId: ctx.subscriptionId,
        periodStart: ctx.periodStart,
        invoiceId: ctx.invoiceId,
      },
      ctx.now,
    );
  }

  private entry(
    e: {
      kind: EntryKind;
      amount: number;
      currency: string;
      grantId: string;
      reason: string;
      eventId?: string | null;
      metric?: string | null;
      subscriptionId?: string | null;
      periodStart?: number | null;
      invoiceId?: string | null;
    },
    now: number,
  ): void {
    this.sql.exec(
      "INSERT INTO wallet_entries (id, kind, amount, currency, grant_id, event_id, metric, subscription_id, period_start, invoice_id, reason, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      newId("wtx", now),
      e.kind,
      e.amount,
      e.currency,
      e.grantId,
      e.eventId ?? null,
      e.metric ?? null,
      e.subscriptionId ?? null,
      e.periodStart ?? null,
      e.invoiceId ?? null,
      e.reason,
      now,
    );
  }

  private tally(d: DebitContext, debited: number, uncovered: number): void {
    if (debited === 0 && uncovered === 0) return;
    this.sql.exec(
      `INSERT INTO wallet_periods (subscription_id, period_start, currency, debited, uncovered) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (subscription_id, period_start) DO UPDATE SET debited = debited + excluded.debited, uncovered = uncovered + excluded.uncovered`,
      d.subscriptionId,
      d.periodStart,
      d.currency,
      debited,
      uncovered,
    );
  }

  private period(subscriptionId: string, periodStart: number): { debited: number; uncovered: number } | undefined {
    const row = this.sql
      .exec("SELECT debited, uncovered FROM wallet_periods WHERE subscription_id = ? AND period_start = ?", subscriptionId, periodStart)
      .toArray()[0];
    return row && { debited: row.debited as number, uncovered: row.uncovered as number };
  }

  /** What each grant paid net in a period's real-time usage, the latest debited first. */
  private paidInPeriod(subscriptionId: string, periodStart: number): Array<{ grantId: string; paid: number }> {
    return this.sql
      .exec(
        `SELECT grant_id, -sum(amount) AS paid, max(seq) AS last FROM wallet_entries
         WHERE subscription_id = ? AND period_start = ? GROUP BY grant_id HAVING paid > 0 ORDER BY last DESC`,
        subscriptionId,
        periodStart,
      )
      .toArray()
      .map((r) => ({ grantId: r.grant_id as string, paid: r.paid as number }));
  }

  /**
   * Returns `amount` of a period's prepaid usage to the grants that paid it, the latest
   * first. What a grant paid is net of every earlier return (they carry the period too).
   */
  private giveBackPrepaid(
    subscriptionId: string,
    periodStart: number,
    amount: number,
    kind: "settlement_refund" | "restore",
    ctx: { currency: string; invoiceId: string; now: number },
    reason: string,
  ): number {
    let left = amount;
    for (const { grantId, paid } of this.paidInPeriod(subscriptionId, periodStart)) {
      if (left === 0) break;
      const give = Math.min(left, paid);
      this.move(this.findGrant(grantId)!, give, kind, { ...ctx, subscriptionId, periodStart }, reason);
      left -= give;
    }
    return amount - left;
  }

  /**
   * Reverses what an invoice's settlement did to each grant (consumption and returns of
   * prepaid usage), leaving real-time debits as they were. A return of prepaid usage is
   * taken back with its period, so the period's figures stay right.
   */
  private undo(invoiceId: string, kind: "settlement_reversal" | "restore", now: number, reason: string): void {
    const rows = this.sql
      .exec(
        "SELECT grant_id, currency, subscription_id, period_start, sum(amount) AS net FROM wallet_entries WHERE invoice_id = ? GROUP BY grant_id, period_start",
        invoiceId,
      )
      .toArray();
    for (const r of rows) {
      const net = r.net as number;
      if (net === 0) continue;
      const ctx = {
        currency: r.currency as string,
        subscriptionId: r.subscription_id as string | null,
        periodStart: r.period_start as number | null,
        invoiceId,
        now,
      };
      this.move(this.findGrant(r.grant_id as string)!, -net, kind, ctx, reason);
    }
  }

  private settlement(invoiceId: string): Row | undefined {
    return this.sql.exec("SELECT * FROM wallet_settlements WHERE invoice_id = ?", invoiceId).toArray()[0];
  }
}
