import { and, asc, eq, gt, inArray, isNull, ne, or, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { testClocks, testClockTenants, type TestClockRow } from "./table";

/**
 * The test clocks' rows, for the test-clocks module that creates and advances them (this
 * module reads them to tell a tenant's time, so it keeps the tables).
 */

export const findClockRow = (db: Db, id: string): Promise<TestClockRow | undefined> => db.select().from(testClocks).where(eq(testClocks.id, id)).get();

export const insertClockRow = async (db: Db, row: TestClockRow): Promise<void> => {
  await db.insert(testClocks).values(row);
};

/** Whether `tenantId` lives on clock `clockId`. */
export async function isOnClock(db: Db, clockId: string, tenantId: string): Promise<boolean> {
  const row = await db
    .select({ id: testClockTenants.tenantId })
    .from(testClockTenants)
    .where(and(eq(testClockTenants.clockId, clockId), eq(testClockTenants.tenantId, tenantId)))
    .get();
  return row !== undefined;
}

/** The tenants on each of `clockIds`, by id. */
export async function tenantsOnClocks(db: Db, clockIds: string[]): Promise<Map<string, string[]>> {
  const rows = clockIds.length
    ? await db.select().from(testClockTenants).where(inArray(testClockTenants.clockId, clockIds)).orderBy(asc(testClockTenants.tenantId))
    : [];
  const by = new Map<string, string[]>(clockIds.map((id) => [id, []]));
  for (const r of rows) by.get(r.clockId)!.push(r.tenantId);
  return by;
}

/** A page of clocks by id (one more than `limit`), only the one `owner` lives on unless it is null. */
export function clockRowsAfter(db: Db, owner: string | null, after: string | undefined, limit: number): Promise<TestClockRow[]> {
  return db
    .select()
    .from(testClocks)
    .where(
      and(
        after ? gt(testClocks.id, after) : undefined,
        owner === null
          ? undefined
          : sql`${testClocks.id} IN (SELECT ${testClockTenants.clockId} FROM ${testClockTenants} WHERE ${testClockTenants.tenantId} = ${owner})`,
      ),
    )
    .orderBy(asc(testClocks.id))
    .limit(limit + 1);
}

/** The clock `tenantId` is bound to, if any. */
export async function boundClockId(db: Db, tenantId: string): Promise<string | undefined> {
  return (await db.select({ clockId: testClockTenants.clockId }).from(testClockTenants).where(eq(testClockTenants.tenantId, tenantId)).get())?.clockId;
}

/** Binds the tenant to the clock; a tenant already bound violates the primary key (UNIQUE). */
export async function bindTenant(db: Db, tenantId: string, clockId: string, now: number): Promise<void> {
  await db.insert(testClockTenants).values({ tenantId, clockId, createdAt: now });
}

/** Marks the clock advancing to `to` unless it already is or is being deleted (`deleting`: that failure text). */
export async function claimAdvance(db: Db, id: string, to: number, deleting: string, now: number): Promise<TestClockRow | undefined> {
  const [row] = await db
    .update(testClocks)
    .set({ status: "advancing", advancingTo: to, failure: null, updatedAt: now })
    .where(and(eq(testClocks.id, id), ne(testClocks.status, "advancing"), or(isNull(testClocks.failure), ne(testClocks.failure, deleting))))
    .returning();
  return row;
}

/** Marks the clock failed with `failure` unless it is advancing (the claim a deletion starts with). */
export async function claimUnlessAdvancing(db: Db, id: string, failure: string, now: number): Promise<TestClockRow | undefined> {
  const [row] = await db
    .update(testClocks)
    .set({ status: "failed", failure, updatedAt: now })
    .where(and(eq(testClocks.id, id), ne(testClocks.status, "advancing")))
    .returning();
  return row;
}

export async function deleteClockRow(db: Db, id: string): Promise<void> {
  await db.delete(testClocks).where(eq(testClocks.id, id));
}

/** The advance stopped at the time reached, with the reason. */
export async function markClockFailed(db: Db, id: string, reason: string, now: number): Promise<void> {
  await db.update(testClocks).set({ status: "failed", advancingTo: null, failure: reason, updatedAt: now }).where(eq(testClocks.id, id));
}

/** An advancing clock reached `at` (and is ready again when that is its target). */
export async function stepClock(db: Db, id: string, at: number, arrived: boolean, now: number): Promise<void> {
  await db
    .update(testClocks)
    .set({ frozenTime: at, updatedAt: now, ...(arrived ? { status: "ready" as const, advancingTo: null } : {}) })
    .where(and(eq(testClocks.id, id), eq(testClocks.status, "advancing")));
}
