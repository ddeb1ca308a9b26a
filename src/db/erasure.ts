import { eq, sql, type Column } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Db } from "./client";

/**
 * One module's part in erasing a tenant (a test clock's tenants go with their clock): the
 * tables it empties of the tenant's rows, children before parents, and what must run before
 * those deletes (a counter that must forget the rows, rows found only through a parent). The
 * eraser (src/test-clocks/erase.ts) runs every module's part in one batch, so each module
 * names only its own tables.
 */
export interface TenantErasure {
  /** Emptied of the rows whose tenant column is the tenant. */
  tables: readonly TenantRows[];
  /** Statements before the deletes. */
  before?: (db: Db, tenantId: string) => BatchItem<"sqlite">[];
  /** Tables `before` empties (they have no tenant column), named for the erasure test. */
  alsoEmpties?: readonly SQLiteTable[];
}

export interface TenantRows {
  table: SQLiteTable;
  tenantColumn: Column;
  /** Its rows alone do not mean the tenant has data (its bare settings row, its clock binding). */
  notData?: true;
}

/** A table's rows of one tenant, by its `tenantId` column. */
export const byTenant = (table: SQLiteTable & { tenantId: Column }, notData?: true): TenantRows => byColumn(table, table.tenantId, notData);

/** A table's rows of one tenant, by another column that holds the tenant id. */
export const byColumn = (table: SQLiteTable, tenantColumn: Column, notData?: true): TenantRows => ({ table, tenantColumn, ...(notData ? { notData } : {}) });

/** The statements that erase the tenant's rows, in the order given. */
export function erasureStatements(db: Db, parts: readonly TenantErasure[], tenantId: string): BatchItem<"sqlite">[] {
  return parts.flatMap((p) => [...(p.before?.(db, tenantId) ?? []), ...p.tables.map((t) => db.delete(t.table).where(eq(t.tenantColumn, tenantId)))]);
}

/** One query per table whose rows mean "this tenant has data": any row found is data. */
export function dataProbes(db: Db, parts: readonly TenantErasure[], tenantId: string) {
  return parts
    .flatMap((p) => p.tables)
    .filter((t) => !t.notData)
    .map((t) => db.select({ found: sql<number>`1` }).from(t.table).where(eq(t.tenantColumn, tenantId)).limit(1));
}
