import { clockStore, type TestClockRow } from "../clock";
import type { Db } from "../db/client";
import { violates } from "../db/constraints";
import type { Bindings } from "../env";
import { badRequest, conflict, notFound } from "../http/errors";
import { newId } from "../lib/ids";
import { iso } from "../lib/time";
import { ensureTenant } from "../tenants/service";
import { eraseTenant, tenantHasData } from "./erase";
import type { CreateTestClock, TestClock } from "./schemas";

/** `owner`: the tenant a tenant token acts for (it sees only the clock it is on), null for an admin. */
type Owner = string | null;

function present(row: TestClockRow, tenantIds: string[]): TestClock {
  return {
    id: row.id,
    name: row.name,
    frozenTime: iso(row.frozenTime),
    status: row.status,
    advancingTo: row.advancingTo === null ? null : iso(row.advancingTo),
    failure: row.failure,
    tenants: tenantIds,
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}

async function findClock(db: Db, owner: Owner, id: string): Promise<TestClockRow> {
  const row = await clockStore.findClockRow(db, id);
  const mine = row && (owner === null || (await clockStore.isOnClock(db, id, owner)));
  if (!row || !mine) throw notFound("Test clock", id);
  return row;
}

export async function createClock(db: Db, input: CreateTestClock, now: number): Promise<TestClock> {
  const row: TestClockRow = {
    id: newId("clk", now),
    name: input.name ?? null,
    frozenTime: input.frozenTime,
    status: "ready",
    advancingTo: null,
    failure: null,
    createdAt: now,
    updatedAt: now,
  };
  await clockStore.insertClockRow(db, row);
  return present(row, []);
}

export async function getClock(db: Db, owner: Owner, id: string): Promise<TestClock> {
  const row = await findClock(db, owner, id);
  return present(row, (await clockStore.tenantsOnClocks(db, [id])).get(id)!);
}

export async function listClocks(db: Db, owner: Owner, page: { limit: number; after?: string }) {
  const rows = await clockStore.clockRowsAfter(db, owner, page.after, page.limit);
  const items = rows.slice(0, page.limit);
  const on = await clockStore.tenantsOnClocks(
    db,
    items.map((r) => r.id),
  );
  return { items: items.map((r) => present(r, on.get(r.id)!)), more: rows.length > page.limit };
}

/**
 * Creates `tenantId` on the clock: from now on it lives at the clock's time. Only a tenant
 * with nothing yet (no subscription, usage, invoice, …; a bare settings row is fine), and
 * never one already on a clock: its past would be on another time line.
 */
export async function addTenant(env: Bindings, db: Db, clockId: string, tenantId: string, now: number): Promise<TestClock> {
  const clock = await findClock(db, null, clockId);
  const bound = await clockStore.boundClockId(db, tenantId);
  if (bound) throw conflict(`Tenant ${tenantId} is already on test clock ${bound}`, { tenantId, clockId: bound });
  if (await tenantHasData(env, tenantId)) {
    throw conflict(`Tenant ${tenantId} already has data; only a new tenant can be put on a test clock`, { tenantId });
  }
  await env.TENANT_METER.getByName(tenantId).setClock(clock.frozenTime);
  await ensureTenant(db, tenantId, clock.frozenTime);
  try {
    await clockStore.bindTenant(db, tenantId, clockId, now);
  } catch (err) {
    // Put on a clock by a concurrent request between the check and the write.
    // drizzle wraps D1's error: the constraint's message is on a `cause` down the chain.
    if (violates(err, "UNIQUE")) throw conflict(`Tenant ${tenantId} is already on a test clock`, { tenantId });
    throw err;
  }
  return getClock(db, null, clockId);
}

/**
 * Starts moving the clock to `to`; the runner (runner.ts) does the work in the background and
 * the clock is `advancing` until it is done. One advance at a time: another while one runs is
 * a 409. Advancing to the time it shows already re-runs that instant's jobs, which find
 * nothing left to do.
 */
export async function startAdvance(env: Bindings, db: Db, owner: Owner, id: string, to: number, now: number): Promise<TestClock> {
  const clock = await findClock(db, owner, id);
  if (to < clock.frozenTime) {
    throw badRequest("A test clock only moves forward", [
      { path: "frozenTime", code: "before_frozen_time", message: `is before the clock's time ${iso(clock.frozenTime)}` },
    ]);
  }
  const started = await clockStore.claimAdvance(db, id, to, DELETING, now);
  if (!started && clock.failure === DELETING) throw conflict("The test clock is being deleted", { clockId: id });
  if (!started)
    throw conflict("The test clock is advancing; wait until it is ready", { clockId: id, advancingTo: clock.advancingTo && iso(clock.advancingTo) });
  try {
    await env.TEST_CLOCK_RUNNER.getByName(id).start(id);
  } catch (err) {
    await failAdvance(db, id, `Could not start the advance: ${(err as Error).message}`, Date.now());
  }
  return getClock(db, owner, id);
}

/** Deletes the clock and its tenants with everything they have. Not while it is advancing. */
export async function deleteClock(env: Bindings, db: Db, id: string, now: number) {
  await findClock(db, null, id);
  // Claimed first, so no advance can start while its tenants are being erased.
  const claimed = await clockStore.claimUnlessAdvancing(db, id, DELETING, now);
  if (!claimed) throw conflict("The test clock is advancing; delete it when it is ready", { clockId: id });
  const tenantIds = (await clockStore.tenantsOnClocks(db, [id])).get(id)!;
  for (const tenantId of tenantIds) await eraseTenant(env, tenantId);
  await clockStore.deleteClockRow(db, id);
  return { id, deleted: true as const, tenants: tenantIds };
}

/** A clock whose deletion has started (and may have failed half-way: deleting it again finishes it). */
const DELETING = "The test clock is being deleted";

/** The advance stopped: the clock keeps the time it reached, and says why. */
export async function failAdvance(db: Db, id: string, reason: string, now: number): Promise<void> {
  await clockStore.markClockFailed(db, id, reason.slice(0, 1000), now);
}
