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

export interface UsageTotal {
  metric: string;
  aggregation: Aggregation;
  /** Exact decimal string. */
  quantity: string;
  /** Events refused (hard quota or paused subscription) in the window. */
  rejected?: number;
}

export interface UsageGroup extends Required<UsageTotal> {
  key: string | null;
  /** The second grouping's key, when the query has `thenBy` (e.g. the hour within a project). */
  subKey?: string | null;
  events: number;
}

/**
 * Usage per metric over [from, to), aggregated as each meter says, for
 * invoicing and previews. Reads D1's hourly rollups plus whatever the tenant's
 * meter has not flushed yet, so it includes every event recorded before the
 * call; it never reads raw events, so its cost grows with hours × dimensions,
 * not with the number of events.
 */
export async function usageTotals(env: Bindings, tenantId: string, q: UsageQuery): Promise<UsageTotal[]> {
  const { groups } = await readUsage(env, tenantId, { ...q, groupBy: "metric" }, Date.now());
  return groups.map(({ metric, aggregation, quantity, rejected }) => ({ metric, aggregation, quantity, rejected }));
}

/** Makes the tenant's meter write every unflushed rollup to D1 now (period close calls it). */
export async function flushMeter(env: Bindings, tenantId: string): Promise<void> {
  await env.TENANT_METER.getByName(tenantId).flush();
}

/**
 * The engine behind usageTotals and the summary route. The meter is asked
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
  const stored = await db.select().from(usageRollups).where(and(...where));

  const rows = new Map<string, RollupRow>();
  const keep = (r: RollupRow) => {
    const key = rowKey(r);
    const seen = rows.get(key);
    if (!seen || r.version > seen.version) rows.set(key, r);
  };
  for (const s of stored) {
    keep({
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
  }
  for (const r of pending.rows) if ((q.metric === undefined || r.metric === q.metric) && !excluded.has(r.projectId)) keep(r);

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
  for (const r of rows.values()) mergeAggregate(groupFor(r.metric, r).agg, aggregateOfRow(r));

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
    const storedValues: RollupValue[] = await db.select().from(usageRollupValues).where(and(...vWhere));
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

const rowKey = (r: RollupRow) =>
  `${r.metric}\u0000${r.bucketStart}\u0000${r.projectId}\u0000${r.resource}\u0000${r.costCenterId}`;

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
