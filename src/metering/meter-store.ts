import { addEvent, emptyAggregate, mergeAggregate, type Aggregate } from "./aggregate";
import type { MeterPlanState } from "./plan-state";
import { decimal, formatDecimal } from "./quantity";
import type { QuotaDefinition } from "./quota-rules";
import type { Window } from "./periods";
import { scopeSql, type Scope } from "./scope";
import type { RollupRow, RollupValue } from "./types";

/**
 * The TenantMeter's SQLite storage. Every table and key is described in
 * docs/tenant-meter-storage.md; keep the two in step. All methods are
 * synchronous (DO SQLite), so callers can decide and write without yielding.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS seen_events (event_id TEXT PRIMARY KEY, received_at INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS seen_events_by_time ON seen_events (received_at);
CREATE TABLE IF NOT EXISTS rejected_events (event_id TEXT PRIMARY KEY, received_at INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS rejected_events_by_time ON rejected_events (received_at);
CREATE TABLE IF NOT EXISTS buckets (
  metric TEXT NOT NULL,
  bucket_start INTEGER NOT NULL,
  project_id TEXT NOT NULL,
  resource TEXT NOT NULL,
  cost_center_id TEXT NOT NULL,
  event_count INTEGER NOT NULL,
  sum_value TEXT NOT NULL,
  max_value TEXT,
  latest_at INTEGER,
  latest_seq INTEGER,
  latest_value TEXT,
  rejected_count INTEGER NOT NULL,
  version INTEGER NOT NULL,
  flushed_version INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (metric, bucket_start, project_id, resource, cost_center_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS buckets_unflushed ON buckets (bucket_start) WHERE version > flushed_version;
CREATE TABLE IF NOT EXISTS bucket_values (
  metric TEXT NOT NULL,
  value TEXT NOT NULL,
  bucket_start INTEGER NOT NULL,
  project_id TEXT NOT NULL,
  resource TEXT NOT NULL,
  cost_center_id TEXT NOT NULL,
  flushed INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (metric, value, bucket_start, project_id, resource, cost_center_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS bucket_values_unflushed ON bucket_values (bucket_start) WHERE flushed = 0;
CREATE TABLE IF NOT EXISTS plan_states (subscription_id TEXT PRIMARY KEY, state TEXT NOT NULL, updated_at INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS period_boundaries (at INTEGER PRIMARY KEY);
CREATE TABLE IF NOT EXISTS quotas (
  id TEXT PRIMARY KEY,
  metric TEXT NOT NULL,
  limit_value TEXT NOT NULL,
  period TEXT NOT NULL,
  enforcement TEXT NOT NULL,
  source TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS quota_crossings (
  quota_id TEXT NOT NULL,
  window_start INTEGER NOT NULL,
  metric TEXT NOT NULL,
  crossed_at INTEGER NOT NULL,
  current_value TEXT NOT NULL,
  limit_value TEXT NOT NULL,
  PRIMARY KEY (quota_id, window_start)
) WITHOUT ROWID;
`;

/** What `seen_events` keeps of an accepted event besides its id: enough to roll it up again. */
const EVENT_COLUMNS = [
  ["ts", "INTEGER"],
  ["seq", "INTEGER"],
  ["metric", "TEXT"],
  ["project_id", "TEXT"],
  ["resource", "TEXT"],
  ["cost_center_id", "TEXT"],
  ["quantity", "TEXT"],
  ["value", "TEXT"],
] as const;

/** An accepted event as the dedup row logs it. */
export interface LoggedEvent {
  dims: BucketDims;
  at: number;
  seq: number;
  quantity: string;
  value: string | undefined;
}

/** A rollup bucket held in memory while it is hot. Dimension "" = none. */
export interface Bucket {
  key: string;
  metric: string;
  bucketStart: number;
  projectId: string;
  resource: string;
  costCenterId: string;
  agg: Aggregate;
  /** The meter-wide sequence number of its last change; D1 keeps the highest it was sent. */
  version: number;
}

export type BucketDims = Pick<Bucket, "metric" | "bucketStart" | "projectId" | "resource" | "costCenterId">;

export const bucketKey = (d: BucketDims) => `${d.metric}\u0000${d.bucketStart}\u0000${d.projectId}\u0000${d.resource}\u0000${d.costCenterId}`;

type Row = Record<string, SqlStorageValue>;

const BUCKET_COLUMNS =
  "metric, bucket_start, project_id, resource, cost_center_id, event_count, sum_value, max_value, latest_at, latest_seq, latest_value, rejected_count, version";

/** Every transaction that counts an event writes its bucket: the statement is built once. */
const SAVE_BUCKET = `INSERT INTO buckets (${BUCKET_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (metric, bucket_start, project_id, resource, cost_center_id) DO UPDATE SET
         event_count = excluded.event_count, sum_value = excluded.sum_value, max_value = excluded.max_value,
         latest_at = excluded.latest_at, latest_seq = excluded.latest_seq, latest_value = excluded.latest_value,
         rejected_count = excluded.rejected_count, version = excluded.version`;

function aggregateOf(r: Row): Aggregate {
  return {
    events: r.event_count as number,
    sum: decimal(r.sum_value as string),
    max: r.max_value === null ? null : decimal(r.max_value as string),
    latest: r.latest_at === null ? null : { at: r.latest_at as number, seq: r.latest_seq as number, value: decimal(r.latest_value as string) },
    rejected: r.rejected_count as number,
  };
}

function toRollupRow(r: Row): RollupRow {
  return {
    metric: r.metric as string,
    bucketStart: r.bucket_start as number,
    projectId: r.project_id as string,
    resource: r.resource as string,
    costCenterId: r.cost_center_id as string,
    events: r.event_count as number,
    sum: r.sum_value as string,
    max: r.max_value as string | null,
    latestAt: r.latest_at as number | null,
    latestSeq: r.latest_seq as number | null,
    latest: r.latest_value as string | null,
    rejected: r.rejected_count as number,
    version: r.version as number,
  };
}

const toRollupValue = (r: Row): RollupValue => ({
  metric: r.metric as string,
  bucketStart: r.bucket_start as number,
  projectId: r.project_id as string,
  resource: r.resource as string,
  costCenterId: r.cost_center_id as string,
  value: r.value as string,
});

export class MeterStore {
  constructor(private readonly sql: SqlStorage) {}

  migrate(now: number): void {
    this.sql.exec(SCHEMA);
    // Each accepted event's id row also logs the event (for cuts inside a bucket): columns
    // added here so a meter created before them gains them in place.
    const columns = new Set(
      this.sql
        .exec("PRAGMA table_info(seen_events)")
        .toArray()
        .map((c) => c.name as string),
    );
    for (const [name, type] of EVENT_COLUMNS) if (!columns.has(name)) this.sql.exec(`ALTER TABLE seen_events ADD COLUMN ${name} ${type}`);
    this.sql.exec("CREATE INDEX IF NOT EXISTS seen_events_by_ts ON seen_events (ts) WHERE ts IS NOT NULL");
    // The event log began with this schema: a meter that already had buckets then has no
    // logged events before that moment to cut them by; a new one has logged everything.
    const fresh = this.sql.exec("SELECT 1 FROM buckets LIMIT 1").toArray().length === 0;
    this.sql.exec("INSERT INTO meta (key, value) VALUES ('log_started_at', ?) ON CONFLICT DO NOTHING", fresh ? 0 : now);
  }

  getMeta(key: string): SqlStorageValue | undefined {
    return this.sql.exec("SELECT value FROM meta WHERE key = ?", key).toArray()[0]?.value;
  }

  setMeta(key: string, value: SqlStorageValue): void {
    this.sql.exec("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", key, value);
  }

  /** The highest sequence number ever handed out, so versions never go backwards after a restart or prune. */
  maxSeq(): number {
    const row = this.sql.exec("SELECT MAX(version) AS v FROM buckets").one();
    return Math.max((row.v as number | null) ?? 0, Number(this.getMeta("seq_floor") ?? 0));
  }

  // ── plan states, period boundaries, quotas ────────────────────────────────

  planStates(): MeterPlanState[] {
    return this.sql
      .exec("SELECT state FROM plan_states")
      .toArray()
      .map((r) => JSON.parse(r.state as string) as MeterPlanState);
  }

  savePlanState(state: MeterPlanState, now: number): void {
    this.sql.exec(
      "INSERT INTO plan_states (subscription_id, state, updated_at) VALUES (?, ?, ?) ON CONFLICT (subscription_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at",
      state.subscriptionId,
      JSON.stringify(state),
      now,
    );
    for (const at of [state.periodStart, state.periodEnd]) {
      this.sql.exec("INSERT INTO period_boundaries (at) VALUES (?) ON CONFLICT DO NOTHING", at);
    }
  }

  /** A cut (a subscription change) splits the bucket it falls in, like a period boundary. */
  addBoundary(at: number): void {
    this.sql.exec("INSERT INTO period_boundaries (at) VALUES (?) ON CONFLICT DO NOTHING", at);
  }

  boundaries(): number[] {
    return this.sql
      .exec("SELECT at FROM period_boundaries ORDER BY at")
      .toArray()
      .map((r) => r.at as number);
  }

  quotas(): QuotaDefinition[] {
    return this.sql
      .exec("SELECT id, metric, limit_value, period, enforcement, source FROM quotas ORDER BY id")
      .toArray()
      .map((r) => ({
        id: r.id as string,
        metric: r.metric as string,
        limit: r.limit_value as string,
        period: r.period as QuotaDefinition["period"],
        enforcement: r.enforcement as QuotaDefinition["enforcement"],
        source: r.source as QuotaDefinition["source"],
      }));
  }

  replaceQuotas(quotas: readonly QuotaDefinition[]): void {
    this.sql.exec("DELETE FROM quotas");
    for (const q of quotas) {
      this.sql.exec(
        "INSERT INTO quotas (id, metric, limit_value, period, enforcement, source) VALUES (?, ?, ?, ?, ?, ?)",
        q.id,
        q.metric,
        q.limit,
        q.period,
        q.enforcement,
        q.source,
      );
    }
  }

  // ── deduplication ──────────────────────────────────────────────────────────

  /**
   * Claims `eventId` for an accepted event, logging the event in the same row; false if it
   * was already accepted. One statement per event keeps the hot path as it was.
   */
  claimEvent(eventId: string, now: number, e: LoggedEvent): boolean {
    return (
      this.sql.exec(
        "INSERT INTO seen_events (event_id, received_at, ts, seq, metric, project_id, resource, cost_center_id, quantity, value) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        eventId,
        now,
        e.at,
        e.seq,
        e.dims.metric,
        e.dims.projectId,
        e.dims.resource,
        e.dims.costCenterId,
        e.quantity,
        e.value ?? null,
      ).rowsWritten > 0
    );
  }

  wasAccepted(eventId: string): boolean {
    return this.sql.exec("SELECT 1 FROM seen_events WHERE event_id = ?", eventId).toArray().length > 0;
  }

  /** Remembers a refusal; false if this event was refused before (so it is counted once). */
  noteRejection(eventId: string, now: number): boolean {
    return this.sql.exec("INSERT INTO rejected_events (event_id, received_at) VALUES (?, ?) ON CONFLICT DO NOTHING", eventId, now).rowsWritten > 0;
  }

  // ── buckets ────────────────────────────────────────────────────────────────

  loadBucket(dims: BucketDims): Bucket | undefined {
    const row = this.sql
      .exec(
        `SELECT ${BUCKET_COLUMNS} FROM buckets WHERE metric = ? AND bucket_start = ? AND project_id = ? AND resource = ? AND cost_center_id = ?`,
        dims.metric,
        dims.bucketStart,
        dims.projectId,
        dims.resource,
        dims.costCenterId,
      )
      .toArray()[0];
    return row && { ...dims, key: bucketKey(dims), agg: aggregateOf(row), version: row.version as number };
  }

  saveBucket(b: Bucket): void {
    const { agg } = b;
    this.sql.exec(
      SAVE_BUCKET,
      b.metric,
      b.bucketStart,
      b.projectId,
      b.resource,
      b.costCenterId,
      agg.events,
      formatDecimal(agg.sum),
      agg.max === null ? null : formatDecimal(agg.max),
      agg.latest?.at ?? null,
      agg.latest?.seq ?? null,
      agg.latest ? formatDecimal(agg.latest.value) : null,
      agg.rejected,
      b.version,
    );
  }

  /** The aggregate of `metric` over the buckets starting in `window` whose events `scope` counts. */
  aggregate(metric: string, window: Window, scope: Scope): Aggregate {
    const filter = scopeSql(scope);
    const total = emptyAggregate();
    const rows = this.sql.exec(
      `SELECT ${BUCKET_COLUMNS} FROM buckets WHERE metric = ? AND bucket_start >= ? AND bucket_start < ?${filter.sql}`,
      metric,
      window.start,
      window.end,
      ...filter.args,
    );
    for (const row of rows) mergeAggregate(total, aggregateOf(row));
    return total;
  }

  // ── the event log (seen_events): sub-bucket reads ───────────────────────

  /**
   * The accepted events with timestamps in [from, to), rolled up like one bucket starting at
   * `from` (per metric and dimensions), with their distinct values. Reads at most one
   * bucket's worth of events: callers ask only for the part of a bucket before a cut.
   */
  loggedRollups(from: number, to: number): { rows: RollupRow[]; values: RollupValue[] } {
    const rows = new Map<string, RollupRow & { agg: Aggregate }>();
    const values: RollupValue[] = [];
    for (const r of this.sql.exec("SELECT * FROM seen_events WHERE ts >= ? AND ts < ? ORDER BY ts, seq", from, to)) {
      const dims = {
        metric: r.metric as string,
        bucketStart: from,
        projectId: r.project_id as string,
        resource: r.resource as string,
        costCenterId: r.cost_center_id as string,
      };
      const key = bucketKey(dims);
      let row = rows.get(key);
      if (!row) {
        row = { ...dims, events: 0, sum: "0", max: null, latestAt: null, latestSeq: null, latest: null, rejected: 0, version: 0, agg: emptyAggregate() };
        rows.set(key, row);
      }
      addEvent(row.agg, decimal(r.quantity as string), r.ts as number, r.seq as number);
      if (r.value !== null) values.push({ ...dims, value: r.value as string });
    }
    return {
      rows: [...rows.values()].map(({ agg, ...row }) => ({
        ...row,
        events: agg.events,
        sum: formatDecimal(agg.sum),
        max: agg.max === null ? null : formatDecimal(agg.max),
        latestAt: agg.latest?.at ?? null,
        latestSeq: agg.latest?.seq ?? null,
        latest: agg.latest ? formatDecimal(agg.latest.value) : null,
      })),
      values,
    };
  }

  /**
   * From when the log holds every accepted event: after it began (plus the 5 minutes an event
   * may be dated ahead) and after what retention pruned.
   */
  logStart(): number {
    const started = Number(this.getMeta("log_started_at") ?? 0);
    return Math.max(started === 0 ? 0 : started + 5 * 60_000, Number(this.getMeta("log_pruned_before") ?? 0));
  }

  // ── distinct values (unique_count) ─────────────────────────────────────────

  countValues(metric: string, window: Window, scope: Scope): number {
    const filter = scopeSql(scope);
    return this.sql
      .exec(
        `SELECT COUNT(DISTINCT value) AS n FROM bucket_values WHERE metric = ? AND bucket_start >= ? AND bucket_start < ?${filter.sql}`,
        metric,
        window.start,
        window.end,
        ...filter.args,
      )
      .one().n as number;
  }

  hasValue(metric: string, value: string, window: Window, scope: Scope): boolean {
    const filter = scopeSql(scope);
    return (
      this.sql
        .exec(
          `SELECT 1 FROM bucket_values WHERE metric = ? AND value = ? AND bucket_start >= ? AND bucket_start < ?${filter.sql} LIMIT 1`,
          metric,
          value,
          window.start,
          window.end,
          ...filter.args,
        )
        .toArray().length > 0
    );
  }

  addValue(dims: BucketDims, value: string): void {
    this.sql.exec(
      "INSERT INTO bucket_values (metric, value, bucket_start, project_id, resource, cost_center_id) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
      dims.metric,
      value,
      dims.bucketStart,
      dims.projectId,
      dims.resource,
      dims.costCenterId,
    );
  }

  // ── soft-quota crossings ───────────────────────────────────────────────────

  recordCrossing(c: { quotaId: string; windowStart: number; metric: string; at: number; current: string; limit: string }): void {
    this.sql.exec(
      "INSERT INTO quota_crossings (quota_id, window_start, metric, crossed_at, current_value, limit_value) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
      c.quotaId,
      c.windowStart,
      c.metric,
      c.at,
      c.current,
      c.limit,
    );
  }

  crossings(since: number): Array<{ quotaId: string; windowStart: number; metric: string; crossedAt: number; current: string; limit: string }> {
    return this.sql
      .exec("SELECT * FROM quota_crossings WHERE crossed_at >= ? ORDER BY crossed_at", since)
      .toArray()
      .map((r) => ({
        quotaId: r.quota_id as string,
        windowStart: r.window_start as number,
        metric: r.metric as string,
        crossedAt: r.crossed_at as number,
        current: r.current_value as string,
        limit: r.limit_value as string,
      }));
  }

  // ── flushing to D1 ─────────────────────────────────────────────────────────

  unflushedRows(limit: number): RollupRow[] {
    return this.sql
      .exec(`SELECT ${BUCKET_COLUMNS} FROM buckets WHERE version > flushed_version ORDER BY bucket_start LIMIT ?`, limit)
      .toArray()
      .map(toRollupRow);
  }

  unflushedValues(limit: number): RollupValue[] {
    return this.sql
      .exec(
        "SELECT metric, value, bucket_start, project_id, resource, cost_center_id FROM bucket_values WHERE flushed = 0 ORDER BY bucket_start LIMIT ?",
        limit,
      )
      .toArray()
      .map(toRollupValue);
  }

  /** Marks what was sent; a bucket changed meanwhile keeps a higher version and stays unflushed. */
  markFlushed(rows: readonly RollupRow[], values: readonly RollupValue[]): void {
    for (const r of rows) {
      this.sql.exec(
        "UPDATE buckets SET flushed_version = ? WHERE metric = ? AND bucket_start = ? AND project_id = ? AND resource = ? AND cost_center_id = ? AND flushed_version < ?",
        r.version,
        r.metric,
        r.bucketStart,
        r.projectId,
        r.resource,
        r.costCenterId,
        r.version,
      );
    }
    for (const v of values) {
      this.sql.exec(
        "UPDATE bucket_values SET flushed = 1 WHERE metric = ? AND value = ? AND bucket_start = ? AND project_id = ? AND resource = ? AND cost_center_id = ?",
        v.metric,
        v.value,
        v.bucketStart,
        v.projectId,
        v.resource,
        v.costCenterId,
      );
    }
  }

  hasUnflushed(): boolean {
    return (
      this.sql.exec("SELECT 1 FROM buckets WHERE version > flushed_version LIMIT 1").toArray().length > 0 ||
      this.sql.exec("SELECT 1 FROM bucket_values WHERE flushed = 0 LIMIT 1").toArray().length > 0
    );
  }

  /** Unflushed buckets and values starting in [from, to), for read-your-writes summaries. */
  pending(from: number, to: number, projectId: string | undefined): { rows: RollupRow[]; values: RollupValue[] } {
    const project = projectId === undefined ? "" : " AND project_id = ?";
    const args = projectId === undefined ? [] : [projectId];
    const rows = this.sql
      .exec(`SELECT ${BUCKET_COLUMNS} FROM buckets WHERE version > flushed_version AND bucket_start >= ? AND bucket_start < ?${project}`, from, to, ...args)
      .toArray()
      .map(toRollupRow);
    const values = this.sql
      .exec(
        `SELECT metric, value, bucket_start, project_id, resource, cost_center_id FROM bucket_values WHERE flushed = 0 AND bucket_start >= ? AND bucket_start < ?${project}`,
        from,
        to,
        ...args,
      )
      .toArray()
      .map(toRollupValue);
    return { rows, values };
  }

  // ── retention ──────────────────────────────────────────────────────────────

  /**
   * Forgets dedup keys received before `keysBefore` and flushed buckets/values
   * starting before `bucketsBefore`. Versions of pruned buckets survive as
   * `seq_floor` so a bucket recreated later still gets a higher version.
   */
  prune(keysBefore: number, bucketsBefore: number, crossingsBefore: number): void {
    this.sql.exec("DELETE FROM seen_events WHERE received_at < ?", keysBefore);
    this.sql.exec("DELETE FROM rejected_events WHERE received_at < ?", keysBefore);
    this.setMeta("seq_floor", this.maxSeq());
    this.sql.exec("DELETE FROM buckets WHERE bucket_start < ? AND version = flushed_version", bucketsBefore);
    this.sql.exec("DELETE FROM bucket_values WHERE bucket_start < ? AND flushed = 1", bucketsBefore);
    this.sql.exec("DELETE FROM quota_crossings WHERE crossed_at < ?", crossingsBefore);
    // The log went with the ids: it still holds every event dated after this (an event may be
    // dated up to 5 minutes after it was received).
    this.setMeta("log_pruned_before", keysBefore + 5 * 60_000);
  }
}

/** A fresh bucket for `dims`, or the one in storage. */
export function newBucket(dims: BucketDims): Bucket {
  return { ...dims, key: bucketKey(dims), agg: emptyAggregate(), version: 0 };
}
