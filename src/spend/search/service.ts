import { and, eq, getTableColumns, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { toItem } from "../items/service";
import { spendCategories, spendItems } from "../table";
import { ftsQuery } from "./query";

// bm25 column weights, in the FTS table's column order: name, description, provider, service, tags.
// A hit in the name counts most; the description is long prose and counts least.
const RANK = sql`bm25(spend_items_fts, 10.0, 2.0, 5.0, 5.0, 4.0)`;

/** Items matching `q`, best match first (bm25; ties: newest first), each with its relevance `score`. */
export async function searchItems(db: Db, tenantId: string | null, q: string, limit: number) {
  const match = ftsQuery(q);
  if (match === null) return [];
  const rows = await db
    .select({ ...getTableColumns(spendItems), categoryName: spendCategories.name, rank: sql<number>`${RANK}` })
    .from(spendItems)
    .innerJoin(sql`spend_items_fts`, sql`spend_items_fts.rowid = ${spendItems.seq}`)
    .leftJoin(spendCategories, eq(spendCategories.id, spendItems.categoryId))
    .where(and(sql`spend_items_fts MATCH ${match}`, tenantId === null ? undefined : eq(spendItems.tenantId, tenantId)))
    .orderBy(RANK, sql`${spendItems.date} DESC`)
    .limit(limit);
  // bm25 is lower-is-better and negative; the API's score is higher-is-better.
  return rows.map(({ rank, ...row }) => ({ ...toItem(row), score: -rank }));
}
