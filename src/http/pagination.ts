import { z } from "@hono/zod-openapi";
import { and, eq, gt, lt, or, type SQL } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { badRequest } from "./errors";

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 200;

/** `?limit=&cursor=` accepted by every list endpoint. */
export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_LIMIT).default(DEFAULT_LIMIT).openapi({ example: 50 }),
  cursor: z.string().max(512).optional().openapi({ description: "Opaque cursor from `pagination.nextCursor`" }),
});

/**
 * Keyset cursor: the sort key and id of the last row of the previous page,
 * so pages stay stable while rows are inserted (unlike OFFSET).
 */
export interface Cursor {
  k: string | number;
  id: string;
}

export function encodeCursor(cursor: Cursor): string {
  return btoa(JSON.stringify(cursor)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

export function decodeCursor(raw: string | undefined): Cursor | undefined {
  if (!raw) return undefined;
  try {
    const json = atob(raw.replaceAll("-", "+").replaceAll("_", "/"));
    const value: unknown = JSON.parse(json);
    if (
      value &&
      typeof value === "object" &&
      "id" in value &&
      typeof value.id === "string" &&
      "k" in value &&
      (typeof value.k === "string" || typeof value.k === "number")
    ) {
      return { k: value.k, id: value.id };
    }
  } catch {
    // fall through to the validation error
  }
  throw badRequest("Invalid cursor", [{ path: "cursor", message: "not a cursor returned by this API" }]);
}

/**
 * Given `limit + 1` rows fetched in order, returns the page and the cursor for the next one.
 */
export function paginate<T>(rows: T[], limit: number, key: (row: T) => Cursor): { items: T[]; nextCursor: string | null } {
  if (rows.length <= limit) return { items: rows, nextCursor: null };
  const items = rows.slice(0, limit);
  return { items, nextCursor: encodeCursor(key(items[items.length - 1]!)) };
}

/**
 * The WHERE condition for the page after `cursor` in an order by (`key`, `id`), both
 * ascending or both descending: rows strictly past the last row of the previous page.
 */
export function afterCursor(cursor: Cursor | undefined, key: SQLiteColumn, id: SQLiteColumn, direction: "asc" | "desc"): SQL | undefined {
  if (!cursor) return undefined;
  const past = direction === "asc" ? gt : lt;
  const k = typeof cursor.k === "number" ? cursor.k : Number(cursor.k);
  return or(past(key, k), and(eq(key, k), past(id, cursor.id)));
}
