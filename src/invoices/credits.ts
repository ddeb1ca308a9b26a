import { sql, type SQL } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Db } from "../db/client";
import type { InvoiceRow } from "./table";

// WIP: wired to the credit ledger once subscriptions land.
export async function creditStatements(_db: Db, _draft: InvoiceRow, _now: number): Promise<{ applied: number; guard: SQL; statements: BatchItem<"sqlite">[] }> {
  return { applied: 0, guard: sql`1 = 1`, statements: [] };
}

export function creditRestoreStatements(_db: Db, _row: InvoiceRow, _now: number): BatchItem<"sqlite">[] {
  return [];
}
