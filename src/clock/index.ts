import { eq, sql, type SQL, type SQLWrapper } from "drizzle-orm";
import type { Context } from "hono";
import { database } from "../db/client";
import type { AppEnv, Bindings } from "../env";
import { testClocks, testClockTenants } from "./table";

/**
 * What time it is for a tenant. A tenant on a test clock (src/test-clocks) lives at the
 * clock's frozen time: every decision that depends on "now" (event timestamps and their
 * window, period boundaries, trial ends, redeem-by dates, expiry, idempotency retention) uses
 * it; everyone else lives at the real time. Test clocks exist only where `TEST_CLOCKS` is
 * "true"; elsewhere this never reads D1.
 */

export const testClocksEnabled = (env: Pick<Bindings, "TEST_CLOCKS">) => env.TEST_CLOCKS === "true";

/** The tenant's time: its clock's frozen time, or `realTime`. */
export async function tenantNow(env: Bindings, tenantId: string, realTime = Date.now()): Promise<number> {
  return (await tenantClock(env, tenantId))?.frozenTime ?? realTime;
}

/** The test clock the tenant lives on, or null (always null where test clocks are off). */
export async function tenantClock(env: Bindings, tenantId: string): Promise<{ id: string; frozenTime: number } | null> {
  if (!testClocksEnabled(env)) return null;
  const [row] = await database(env.DB)
    .select({ id: testClocks.id, frozenTime: testClocks.frozenTime })
    .from(testClockTenants)
    .innerJoin(testClocks, eq(testClocks.id, testClockTenants.clockId))
    .where(eq(testClockTenants.tenantId, tenantId))
    .limit(1);
  return row ?? null;
}

/**
 * "Now" for a request: the time of the tenant it acts on. That tenant is `tenant` (an id, or
 * a lookup run only when test clocks are enabled, e.g. a subscription's owner), else the
 * route's `tenantId`, else a tenant token's own tenant. Remembered for the rest of the request.
 */
export async function clockNow(c: Context<AppEnv>, tenant?: string | (() => Promise<string | undefined>)): Promise<number> {
  if (!testClocksEnabled(c.env)) return Date.now();
  const known = c.get("now");
  if (known !== undefined) return known;
  const principal = c.get("principal");
  const id =
    (typeof tenant === "function" ? await tenant() : tenant) ??
    c.req.param("tenantId") ??
    (principal && !principal.scopes.has("admin") ? principal.tenant : undefined);
  if (id === undefined) return Date.now();
  // Remembered only once the tenant is known: a middleware that asks first without knowing it
  // (an admin's Idempotency-Key) must not pin the real time for the handler that does.
  const now = await tenantNow(c.env, id);
  c.set("now", now);
  return now;
}

/**
 * Which tenants a scheduled job works on, as a condition on its table's tenant column. The
 * cron runs on real time, so for the tenants on no clock; a test clock's advance runs the
 * same jobs at the clock's time for the tenants on it.
 */
export type TenantFilter = (tenantColumn: SQLWrapper) => SQL;

export const onRealTime: TenantFilter = (column) => sql`${column} NOT IN (SELECT ${testClockTenants.tenantId} FROM ${testClockTenants})`;

export const onClock =
  (clockId: string): TenantFilter =>
  (column) =>
    sql`${column} IN (SELECT ${testClockTenants.tenantId} FROM ${testClockTenants} WHERE ${testClockTenants.clockId} = ${clockId})`;

export * as clockStore from "./store";
export type { TestClockRow, ClockStatus } from "./table";
export { CLOCK_STATUSES } from "./table";
