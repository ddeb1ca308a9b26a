import { asc, count, eq, sql, type SQL } from "drizzle-orm";
import type { Db } from "../../db/client";
import { itemWhere, type SpendFilter } from "../filters";
import { spendCategories, spendItems, spendItemTags } from "../table";
import type { Dimension, Interval } from "./schemas";

export const NONE = "(none)";

/** SUM() over no rows is NULL; reports say 0. */
const total = sql<number>`COALESCE(SUM(${spendItems.amount}), 0)`.mapWith(Number);

export async function summary(db: Db, filter: SpendFilter, currency: string, range: { from: string | null; to: string | null }) {
  // Grouped by currency over every currency the filters allow: the headline is one currency,
  // byCurrency shows what else there is rather than adding it in.
  const rows = await db
    .select({ currency: spendItems.currency, totalAmount: total, itemCount: count() })
    .from(spendItems)
    .where(itemWhere({ ...filter, currency: undefined }))
    .groupBy(spendItems.currency)
    .orderBy(asc(spendItems.currency));
  const headline = rows.find((r) => r.currency === currency);
  return {
    totalAmount: headline?.totalAmount ?? 0,
    itemCount: headline?.itemCount ?? 0,
    currency,
    from: range.from,
    to: range.to,
    byCurrency: rows,
  };
}

/** `part` of `whole` in percent, rounded half away from zero to one decimal, in exact integers. */
export function percentage(part: number, whole: number): number {
  if (whole <= 0) return 0;
  const p = BigInt(part) * 2000n;
  const w = BigInt(whole);
  const tenths = p >= 0n ? (p + w) / (2n * w) : -((-p + w) / (2n * w));
  return Number(tenths) / 10;
}

export async function breakdown(db: Db, filter: SpendFilter, by: Dimension) {
  const where = itemWhere(filter);
  let groups: { key: string | null; amount: number; count: number }[];
  let whole: number;
  if (by === "category") {
    const g = db
      .select({ categoryId: spendItems.categoryId, amount: total.as("amount"), count: count().as("count") })
      .from(spendItems)
      .where(where)
      .groupBy(spendItems.categoryId)
      .as("g");
    groups = await db
      .select({ key: spendCategories.name, amount: g.amount, count: g.count })
      .from(g)
      .leftJoin(spendCategories, eq(spendCategories.id, g.categoryId));
    whole = groups.reduce((s, r) => s + r.amount, 0);
  } else if (by === "tag") {
    // An item counts under each of its tags, so shares are of the filtered total and may add past 100.
    const [tagged, all] = await db.batch([
      db
        .select({ key: spendItemTags.tag, amount: total, count: count() })
        .from(spendItems)
        .leftJoin(spendItemTags, eq(spendItemTags.itemSeq, spendItems.seq))
        .where(where)
        .groupBy(spendItemTags.tag),
      db.select({ amount: total }).from(spendItems).where(where),
    ]);
    groups = tagged;
    whole = all[0]?.amount ?? 0;
  } else {
    const column: SQL = {
      provider: sql`${spendItems.provider}`,
      service: sql`${spendItems.service}`,
      recurring: sql`CASE ${spendItems.recurring} WHEN 1 THEN 'true' ELSE 'false' END`,
    }[by];
    groups = await db
      .select({ key: sql<string | null>`${column}`, amount: total, count: count() })
      .from(spendItems)
      .where(where)
      .groupBy(column);
    whole = groups.reduce((s, r) => s + r.amount, 0);
  }
  return groups
    .map((g) => ({ key: g.key ?? NONE, amount: g.amount, count: g.count, percentage: percentage(g.amount, whole) }))
    .sort((a, b) => b.amount - a.amount || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

const day = sql`date(${spendItems.date} / 1000, 'unixepoch')`;
// Monday of the ISO week: 'weekday 0' moves forward to Sunday (or stays), then back six days.
const BUCKETS: Record<Interval, SQL> = {
  day,
  week: sql`date(${spendItems.date} / 1000, 'unixepoch', 'weekday 0', '-6 days')`,
  month: sql`strftime('%Y-%m', ${spendItems.date} / 1000, 'unixepoch')`,
};

/** ISO 8601 week label (`2026-W01`) of the week starting on Monday `monday` (YYYY-MM-DD). */
export function isoWeekLabel(monday: string): string {
  const thursday = new Date(`${monday}T00:00:00Z`);
  thursday.setUTCDate(thursday.getUTCDate() + 3);
  const year = thursday.getUTCFullYear();
  const dayOfYear = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / 86_400_000);
  return `${year}-W${String(Math.floor(dayOfYear / 7) + 1).padStart(2, "0")}`;
}

export async function trend(db: Db, filter: SpendFilter, interval: Interval) {
  const bucket = BUCKETS[interval];
  const rows = await db
    .select({ bucket: sql<string>`${bucket}`, amount: total, count: count() })
    .from(spendItems)
    .where(itemWhere(filter))
    .groupBy(bucket)
    .orderBy(bucket);
  return rows.map((r) => ({ date: interval === "week" ? isoWeekLabel(r.bucket) : r.bucket, amount: r.amount, count: r.count }));
}

