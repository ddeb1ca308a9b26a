import { and, eq, gte, inArray, lt, sql, type SQL } from "drizzle-orm";
import type { Db } from "../../db/client";
import { DAY_MS } from "../../lib/time";
import { itemWhere, type SpendFilter } from "../filters";
import { spendCategories, spendItems, spendItemTags, spendMonthly } from "../table";
import type { Dimension, Interval } from "./schemas";

export const NONE = "(none)";

/**
 * Where a report reads from. Items answer anything; the trigger-maintained monthly totals
 * answer, much faster over long histories, whatever needs only their columns: whole UTC
 * months and no tag, stageApp or author filter. Both give the same numbers (tested).
 */
interface Source {
  table: SQL;
  where: SQL | undefined;
  amount: SQL;
  count: SQL;
  columns: Record<"currency" | "provider" | "service" | "categoryId" | "recurring" | "month" | "day" | "week", SQL>;
}

const isMonthStart = (ms: number | undefined) => ms === undefined || (ms % DAY_MS === 0 && new Date(ms).getUTCDate() === 1);
const month = (ms: number) => new Date(ms).toISOString().slice(0, 7);

export function monthlyCovers(f: SpendFilter): boolean {
  return f.tags === undefined && f.stageApp === undefined && f.author === undefined && isMonthStart(f.fromMs) && isMonthStart(f.toMs);
}

function itemSource(f: SpendFilter): Source {
  const t = spendItems;
  return {
    table: sql`${t}`,
    where: itemWhere(f),
    amount: sql`COALESCE(SUM(${t.amount}), 0)`,
    count: sql`COUNT(*)`,
    columns: {
      currency: sql`${t.currency}`,
      provider: sql`${t.provider}`,
      service: sql`${t.service}`,
      categoryId: sql`${t.categoryId}`,
      recurring: sql`${t.recurring}`,
      month: sql`strftime('%Y-%m', ${t.date} / 1000, 'unixepoch')`,
      day: sql`date(${t.date} / 1000, 'unixepoch')`,
      // Monday of the ISO week: 'weekday 0' moves forward to Sunday (or stays), then back six days.
      week: sql`date(${t.date} / 1000, 'unixepoch', 'weekday 0', '-6 days')`,
    },
  };
}

function monthlySource(f: SpendFilter): Source {
  const m = spendMonthly;
  return {
    table: sql`${m}`,
    where: and(
      f.tenantId === null ? undefined : eq(m.tenantId, f.tenantId),
      f.currency === undefined ? undefined : eq(m.currency, f.currency),
      f.fromMs === undefined ? undefined : gte(m.month, month(f.fromMs)),
      f.toMs === undefined ? undefined : lt(m.month, month(f.toMs)),
      f.provider === undefined ? undefined : eq(m.provider, f.provider),
      f.service === undefined ? undefined : sql`${m.service} = ${f.service} COLLATE NOCASE`,
      f.recurring === undefined ? undefined : eq(m.recurring, f.recurring),
      f.category === undefined
        ? undefined
        : inArray(
            m.categoryId,
            sql`(SELECT ${spendCategories.id} FROM ${spendCategories} WHERE ${and(
              f.tenantId === null ? undefined : eq(spendCategories.tenantId, f.tenantId),
              sql`(${spendCategories.id} = ${f.category} OR ${spendCategories.name} = ${f.category})`,
            )})`,
          ),
    ),
    amount: sql`COALESCE(SUM(${m.amount}), 0)`,
    count: sql`COALESCE(SUM(${m.itemCount}), 0)`,
    columns: {
      currency: sql`${m.currency}`,
      provider: sql`${m.provider}`,
      service: sql`NULLIF(${m.service}, '')`,
      categoryId: sql`NULLIF(${m.categoryId}, '')`,
      recurring: sql`${m.recurring}`,
      month: sql`${m.month}`,
      day: sql`NULL`,
      week: sql`NULL`,
    },
  };
}

/** The fastest source that answers `f` exactly; `prefer: "items"` forces the item scan (tests). */
function sourceFor(f: SpendFilter, needs: "any" | "days", prefer?: "items"): Source {
  return prefer !== "items" && needs === "any" && monthlyCovers(f) ? monthlySource(f) : itemSource(f);
}

interface Group {
  key: string | number | null;
  amount: number;
  count: number;
}

async function grouped(db: Db, source: Source, key: SQL, order = false): Promise<Group[]> {
  const where = source.where ? sql` WHERE ${source.where}` : sql``;
  const rows = await db.all<Group>(
    sql`SELECT ${key} AS key, ${source.amount} AS amount, ${source.count} AS count FROM ${source.table}${where} GROUP BY 1${order ? sql` ORDER BY 1` : sql``}`,
  );
  return rows.map((r) => ({ key: r.key, amount: Number(r.amount), count: Number(r.count) }));
}

export interface ReportOptions {
  prefer?: "items";
}

export async function summary(db: Db, filter: SpendFilter, currency: string, range: { from: string | null; to: string | null }, opts: ReportOptions = {}) {
  // Grouped by currency over every currency the filters allow: the headline is one currency,
  // byCurrency shows what else there is rather than adding it in.
  const all = { ...filter, currency: undefined };
  const source = sourceFor(all, "any", opts.prefer);
  const rows = await grouped(db, source, source.columns.currency, true);
  const byCurrency = rows.map((r) => ({ currency: String(r.key), totalAmount: r.amount, itemCount: r.count }));
  const headline = byCurrency.find((r) => r.currency === currency);
  return { totalAmount: headline?.totalAmount ?? 0, itemCount: headline?.itemCount ?? 0, currency, from: range.from, to: range.to, byCurrency };
}

/** `part` of `whole` in percent, rounded half away from zero to one decimal, in exact integers. */
export function percentage(part: number, whole: number): number {
  if (whole <= 0) return 0;
  const p = BigInt(part) * 2000n;
  const w = BigInt(whole);
  const tenths = p >= 0n ? (p + w) / (2n * w) : -((-p + w) / (2n * w));
  return Number(tenths) / 10;
}

async function tagGroups(db: Db, filter: SpendFilter): Promise<{ groups: Group[]; whole: number }> {
  // An item counts under each of its tags, so shares are of the filtered total and may add past 100.
  const where = itemWhere(filter);
  const [tagged, all] = await db.batch([
    db
      .select({ key: spendItemTags.tag, amount: sql<number>`COALESCE(SUM(${spendItems.amount}), 0)`, count: sql<number>`COUNT(*)` })
      .from(spendItems)
      .leftJoin(spendItemTags, eq(spendItemTags.itemSeq, spendItems.seq))
      .where(where)
      .groupBy(spendItemTags.tag),
    db
      .select({ amount: sql<number>`COALESCE(SUM(${spendItems.amount}), 0)` })
      .from(spendItems)
      .where(where),
  ]);
  return { groups: tagged, whole: all[0]?.amount ?? 0 };
}

export async function breakdown(db: Db, filter: SpendFilter, by: Dimension, opts: ReportOptions = {}) {
  let groups: Group[];
  let whole: number;
  if (by === "tag") {
    ({ groups, whole } = await tagGroups(db, filter));
  } else {
    const source = sourceFor(filter, "any", opts.prefer);
    const key = by === "category" ? source.columns.categoryId : source.columns[by];
    groups = await grouped(db, source, key);
    whole = groups.reduce((s, g) => s + g.amount, 0);
    if (by === "category") groups = await withCategoryNames(db, groups);
    if (by === "recurring") groups = groups.map((g) => ({ ...g, key: g.key ? "true" : "false" }));
  }
  return groups
    .map((g) => ({ key: g.key === null ? NONE : String(g.key), amount: g.amount, count: g.count, percentage: percentage(g.amount, whole) }))
    .sort((a, b) => b.amount - a.amount || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

async function withCategoryNames(db: Db, groups: Group[]): Promise<Group[]> {
  const ids = groups.flatMap((g) => (g.key === null ? [] : [String(g.key)]));
  if (!ids.length) return groups;
  const rows = await db
    .select({ id: spendCategories.id, name: spendCategories.name })
    .from(spendCategories)
    .where(sql`${spendCategories.id} IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`);
  const names = new Map(rows.map((r) => [r.id, r.name]));
  return groups.map((g) => ({ ...g, key: g.key === null ? null : (names.get(String(g.key)) ?? null) }));
}

/** ISO 8601 week label (`2026-W01`) of the week starting on Monday `monday` (YYYY-MM-DD). */
export function isoWeekLabel(monday: string): string {
  const thursday = new Date(`${monday}T00:00:00Z`);
  thursday.setUTCDate(thursday.getUTCDate() + 3);
  const year = thursday.getUTCFullYear();
  const dayOfYear = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / DAY_MS);
  return `${year}-W${String(Math.floor(dayOfYear / 7) + 1).padStart(2, "0")}`;
}

export async function trend(db: Db, filter: SpendFilter, interval: Interval, opts: ReportOptions = {}) {
  const source = sourceFor(filter, interval === "month" ? "any" : "days", opts.prefer);
  const rows = await grouped(db, source, source.columns[interval], true);
  return rows.map((r) => ({ date: interval === "week" ? isoWeekLabel(String(r.key)) : String(r.key), amount: r.amount, count: r.count }));
}
