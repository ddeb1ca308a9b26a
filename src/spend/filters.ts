import { and, eq, gte, inArray, lt, or, sql, type SQL } from "drizzle-orm";
import { window } from "./dates";
import type { FilterQuery } from "./items/schemas";
import { spendCategories, spendItems, spendItemTags } from "./table";

export { inJson } from "../db/in-json";

/** What a list, report or status call is narrowed to; `tenantId: null` = every tenant (admin). */
export interface SpendFilter {
  tenantId: string | null;
  category?: string;
  provider?: string;
  service?: string;
  fromMs?: number;
  toMs?: number;
  recurring?: boolean;
  tags?: string[];
  stageApp?: string;
  author?: string;
  currency?: string;
}

export function toFilter(tenantId: string | null, q: Omit<FilterQuery, "tenantId">): SpendFilter {
  return {
    tenantId,
    category: q.category,
    provider: q.provider,
    service: q.service,
    ...window(q.from, q.to),
    recurring: q.recurring,
    tags: q.tags?.length ? q.tags : undefined,
    stageApp: q.stageApp,
    author: q.author,
    currency: q.currency,
  };
}

/** The WHERE clause for spend_items; each filter narrows (AND), `tags` requires every tag. */
export function itemWhere(f: SpendFilter): SQL | undefined {
  const t = spendItems;
  const conditions: (SQL | undefined)[] = [
    f.tenantId === null ? undefined : eq(t.tenantId, f.tenantId),
    f.currency === undefined ? undefined : eq(t.currency, f.currency),
    f.fromMs === undefined ? undefined : gte(t.date, f.fromMs),
    f.toMs === undefined ? undefined : lt(t.date, f.toMs),
    f.provider === undefined ? undefined : eq(t.provider, f.provider),
    // Services compare case-insensitively ("compute engine" finds "Compute Engine") but group as written.
    f.service === undefined ? undefined : sql`${t.service} = ${f.service} COLLATE NOCASE`,
    f.recurring === undefined ? undefined : eq(t.recurring, f.recurring),
    f.stageApp === undefined ? undefined : eq(t.stageApp, f.stageApp),
    f.author === undefined ? undefined : eq(t.author, f.author),
    f.category === undefined
      ? undefined
      : inArray(
          t.categoryId,
          sql`(SELECT ${spendCategories.id} FROM ${spendCategories} WHERE ${and(
            f.tenantId === null ? undefined : eq(spendCategories.tenantId, f.tenantId),
            or(eq(spendCategories.id, f.category), eq(spendCategories.name, f.category)),
          )})`,
        ),
    ...(f.tags ?? []).map((tag) =>
      inArray(
        t.seq,
        sql`(SELECT ${spendItemTags.itemSeq} FROM ${spendItemTags} WHERE ${and(
          f.tenantId === null ? undefined : eq(spendItemTags.tenantId, f.tenantId),
          eq(spendItemTags.tag, tag),
        )})`,
      ),
    ),
  ];
  return and(...conditions);
}
