import { and, eq, gte, inArray, lt, notInArray, type SQL } from "drizzle-orm";
import { database } from "../db/client";
import type { Bindings } from "../env";
import type { Aggregation } from "../plans/schemas";
import { emptyAggregate, mergeAggregate, meteredValue, type Aggregate } from "./aggregate";
import { dayOf, hourOf } from "./periods";
import { decimal, formatDecimal } from "./quantity";
import type { GroupBy } from "./schemas";
import { usageRollups, usageRollupValues } from "./table";
import type { RollupRow, RollupValue } from "./types";

export type { Aggregation };

export interface UsageQuery {
  /** Inclusive, epoch ms. Buckets are counted by their start: hour-aligned or a billing-period boundary. */
  from: number;
  /** Exclusive, epoch ms. */
  to: number;
  /** undefined: every project; null: only usage without a project; else that project. */
  projectId?: string | null;
  /**
   * Leave out these projects' usage: for a tenant-wide subscription, the projects that have
   * subscriptions of their own (it governs usage without a project and of every other project).
   */
  excludeProjectIds?: readonly string[];
}

export interface UsageGroup {
  metric: string;
  aggregation: Aggregation;
  /** Exact decimal string. */
  quantity: string;
  /** Events refused (hard quota or paused subscription) in the window. */
  rejected: number;
  key: string | null;
  /** The second grouping's key, when the query has `thenBy` (e.g. the hour within a project). */
  subKey?: string | null;
  events: number;
}

/** One stretch of time and the projects whose usage it counts (see UsageQuery). */
export type UsageWindow = Pick<UsageQuery, "from" | "to" | "projectId" | "excludeProjectIds">;

/**
 * Usage per metric over the union of `windows`, each metric aggregated as `aggregationOf`
 * says (the plan's own meter, not the tenant's), exactly to the instant: a window's end
 * inside an hour counts only the events before it. For billing: the windows are one plan
 * version's segments of a period, so its tiers and included quantity apply once to all of
 * them. Reads rollups (plus at most one bucket's events), never a period's raw events.
 */
export async function billedUsage(
  env: Bindings,
  tenantId: string,
  windows: readonly UsageWindow[],
  aggregationOf: ReadonlyMap<string, Aggregation>,
): Promise<Map<string, string>> {
  const quantities = new Map<string, string>();
  if (windows.length === 0 || aggregationOf.size === 0) return quantities;
  const from = Math.min(...windows.map((w) => w.from));
  const to = Math.max(...windows.map((w) => w.to));
  const meter = await env.TENANT_METER.getByName(tenantId).billingRows({ from, to });
  const metrics = [...aggregationOf.keys()];
  const unique = metrics.filter((m) => aggregationOf.get(m) === "unique_count");
  const db = database(env.DB);
  const [stored, storedValues] = await Promise.all([
    db
      .select()
      .from(usageRollups)
      .where(
        and(eq(usageRollups.tenantId, tenantId), gte(usageRollups.bucketStart, from), lt(usageRollups.bucketStart, to), inArray(usageRollups.metric, metrics)),
      ),
    unique.length
      ? db
          .select()
          .from(usageRollupValues)
          .where(
            and(
              eq(usageRollupValues.tenantId, tenantId),
              gte(usageRollupValues.bucketStart, from),
              lt(usageRollupValues.bucketStart, to),
              inArray(usageRollupValues.metric, unique),
            ),
          )
      : Promise.resolve([] as RollupValue[]),
  ]);
  const tail = meter.tail;
  const cutOff = (r: { bucketStart: number }) => tail !== null && r.bucketStart === tail.bucketStart;
  const rows = latestVersions([...stored.map(storedRow), ...meter.rows]).filter((r) => !cutOff(r));
  const values = [...storedValues, ...meter.values].filter((v) => !cutOff(v));
  if (tail) {
    rows.push(...tail.rows);
    values.push(...tail.values);
  }

  const counted = (d: Dims) => windows.some((w) => d.bucketStart >= w.from && d.bucketStart < w.to && inWindowScope(w, d.projectId));
  const aggregates = new Map<string, Aggregate>();
  for (const r of rows) {
    if (!aggregationOf.has(r.metric) || !counted(r)) continue;
    const agg = aggregates.get(r.metric) ?? emptyAggregate();
    aggregates.set(r.metric, mergeAggregate(agg, aggregateOfRow(r)));
  }
  const distinct = new Map<string, Set<string>>();
  for (const v of values) {
    if (aggregationOf.get(v.metric) !== "unique_count" || !counted(v)) continue;
    const set = distinct.get(v.metric) ?? new Set<string>();
    distinct.set(v.metric, set.add(v.value));
  }
  for (const [metric, aggregation] of aggregationOf) {
    const agg = aggregates.get(metric) ?? emptyAggregate();
    quantities.set(metric, formatDecimal(meteredValue(agg, aggregation, distinct.get(metric)?.size ?? 0)));
  }
  return quantities;
}

function inWindowScope(w: UsageWindow, projectId: string): boolean {
  if (w.projectId !== undefined) return projectId === (w.projectId ?? "");
  return !w.excludeProjectIds?.includes(projectId);
}

/** Of the same bucket read from D1 and from the meter, the higher version wins. */
function latestVersions(rows: RollupRow[]): RollupRow[] {
  const byKey = new Map<string, RollupRow>();
  for (const r of rows) {
    const key = rowKey(r);
    const seen = byKey.get(key);
    if (!seen || r.version > seen.version) byKey.set(key, r);
  }
  return [...byKey.values()];
}

const storedRow = (s: typeof usageRollups.$inferSelect): RollupRow => ({
  metric: s.metric,
  bucketStart: s.bucketStart,
  projectId: s.projectId,
  resource: s.resource,
  costCenterId: s.costCenterId,
  events: s.eventCount,
  sum: s.sumValue,
  max: s.maxValue,
  latestAt: s.latestAt,
  latestSeq: s.latestSeq,
  latest: s.latestValue,
  rejected: s.rejectedCount,
  version: s.version,
});

/** Makes the tenant's meter write every unflushed rollup to D1 now (period close calls it). */
export async function flushMeter(env: Bindings, tenantId: string): Promise<void> {
  await env.TENANT_METER.getByName(tenantId).flush();
}

/**
 * The engine behind the summary route (and the real-time breakdowns). The meter is asked
 * first and D1 second: a flush that lands in between then shows up in D1 with
 * at least the version the meter reported, and the higher version wins.
 */
export async function readUsage(
  env: Bindings,
  tenantId: string,
  q: Partial<UsageQuery> & { metric?: string; groupBy: GroupBy; thenBy?: GroupBy },
  now: number,
): Promise<{ from: number; to: number; groups: UsageGroup[] }> {
  const pending = await env.TENANT_METER.getByName(tenantId).pending({ from: q.from, to: q.to, projectId: q.projectId }, now);
  const { from, to } = pending;
  const aggregationOf = (metric: string): Aggregation => pending.aggregations[metric] ?? "sum";
  const db = database(env.DB);

  const where: SQL[] = [eq(usageRollups.tenantId, tenantId), gte(usageRollups.bucketStart, from), lt(usageRollups.bucketStart, to)];
  if (q.metric !== undefined) where.push(eq(usageRollups.metric, q.metric));
  if (q.projectId !== undefined) where.push(eq(usageRollups.projectId, q.projectId ?? ""));
  const excluded = new Set(q.excludeProjectIds ?? []);
  if (excluded.size > 0) where.push(notInArray(usageRollups.projectId, [...excluded]));
  const stored = await db
    .select()
    .from(usageRollups)
    .where(and(...where));

  const rows = latestVersions([
    ...stored.map(storedRow),
    ...pending.rows.filter((r) => (q.metric === undefined || r.metric === q.metric) && !excluded.has(r.projectId)),
  ]);

  const keyOf = groupKey(q.groupBy);
  const subKeyOf = q.thenBy ? groupKey(q.thenBy) : undefined;
  const groups = new Map<string, { metric: string; key: string | null; subKey?: string | null; agg: Aggregate; values: Set<string> }>();
  const groupFor = (metric: string, d: Dims) => {
    const key = keyOf(d);
    const subKey = subKeyOf?.(d);
    const id = `${metric}\u0000${key ?? ""}\u0000${subKey ?? ""}`;
    let g = groups.get(id);
    if (!g) groups.set(id, (g = { metric, key, ...(subKeyOf ? { subKey } : {}), agg: emptyAggregate(), values: new Set() }));
    return g;
  };
  for (const r of rows) mergeAggregate(groupFor(r.metric, r).agg, aggregateOfRow(r));

  const uniqueMetrics = [...new Set([...groups.values()].map((g) => g.metric))].filter((m) => aggregationOf(m) === "unique_count");
  if (uniqueMetrics.length > 0) {
    const vWhere: SQL[] = [
      eq(usageRollupValues.tenantId, tenantId),
      gte(usageRollupValues.bucketStart, from),
      lt(usageRollupValues.bucketStart, to),
      inArray(usageRollupValues.metric, uniqueMetrics),
    ];
    if (q.projectId !== undefined) vWhere.push(eq(usageRollupValues.projectId, q.projectId ?? ""));
    if (excluded.size > 0) vWhere.push(notInArray(usageRollupValues.projectId, [...excluded]));
    const storedValues: RollupValue[] = await db
      .select()
      .from(usageRollupValues)
      .where(and(...vWhere));
    for (const v of [...storedValues, ...pending.values]) {
      if (uniqueMetrics.includes(v.metric) && !excluded.has(v.projectId)) groupFor(v.metric, v).values.add(v.value);
    }
  }

  const result = [...groups.values()]
    .map((g) => {
      const aggregation = aggregationOf(g.metric);
      return {
        metric: g.metric,
        aggregation,
        key: g.key,
        ...(g.subKey === undefined ? {} : { subKey: g.subKey }),
        quantity: formatDecimal(meteredValue(g.agg, aggregation, g.values.size)),
        events: g.agg.events,
        rejected: g.agg.rejected,
      };
    })
    .sort((a, b) =>
      a.metric !== b.metric ? (a.metric < b.metric ? -1 : 1) : (a.key ?? "").localeCompare(b.key ?? "") || (a.subKey ?? "").localeCompare(b.subKey ?? ""),
    );
  return { from, to, groups: result };
}

type Dims = Pick<RollupRow, "bucketStart" | "projectId" | "resource" | "costCenterId">;

const rowKey = (r: RollupRow) => `${r.metric}\u0000${r.bucketStart}\u0000${r.projectId}\u0000${r.resource}\u0000${r.costCenterId}`;

const orNull = (s: string) => (s === "" ? null : s);

function groupKey(groupBy: GroupBy): (d: Dims) => string | null {
  switch (groupBy) {
    case "metric":
      return () => null;
    case "project":
      return (d) => orNull(d.projectId);
    case "resource":
      return (d) => orNull(d.resource);
    case "costCenter":
      return (d) => orNull(d.costCenterId);
    case "hour":
      return (d) => new Date(hourOf(d.bucketStart)).toISOString();
    case "day":
      return (d) => new Date(dayOf(d.bucketStart)).toISOString();
  }
}

function aggregateOfRow(r: RollupRow): Aggregate {
  return {
    events: r.events,
    sum: decimal(r.sum),
    max: r.max === null ? null : decimal(r.max),
    latest: r.latestAt === null ? null : { at: r.latestAt, seq: r.latestSeq ?? 0, value: decimal(r.latest!) },
    rejected: r.rejected,
  };
}
