import type { Db } from "../db/client";
import { iso } from "../lib/time";
import type { Bindings } from "../env";
import { encodeCursor, decodeCursor } from "../http/pagination";
import { previewInvoice } from "../invoices/preview";
import { findLiveSubscription, subscribedTenantIdsAfter } from "../subscriptions/queries";
import { catchUp } from "../subscriptions/rollover";
import { findTenant, tenantIdsAfter } from "../tenants/service";
import type { TenantOverview } from "./schemas";
import { tenantClock } from "../clock";

/**
 * The operator's tenant list: every tenant that has settings or a subscription, by id, each
 * with its live subscription and the period-to-date total of that subscription's invoice
 * (the same computation as the billing preview, so the same cents).
 */
export async function listTenantOverviews(env: Bindings, db: Db, page: { limit: number; cursor?: string }, now: number) {
  const after = decodeCursor(page.cursor)?.id ?? "";
  const ids = await tenantIdsToList(db, after, page.limit + 1);
  const more = ids.length > page.limit;
  const items = await Promise.all(ids.slice(0, page.limit).map(async (id) => overview(env, db, id, await tenantClock(env, id), now)));
  const last = items[items.length - 1];
  return { items, nextCursor: more && last ? encodeCursor({ k: last.id, id: last.id }) : null };
}

/** The next `limit` ids, after `after`, of the tenants with settings or a subscription (a keyset page over both). */
async function tenantIdsToList(db: Db, after: string, limit: number): Promise<string[]> {
  const [configured, subscribed] = await Promise.all([tenantIdsAfter(db, after, limit), subscribedTenantIdsAfter(db, after, limit)]);
  return [...new Set([...configured, ...subscribed])].sort().slice(0, limit);
}

/** `clock`: the test clock the tenant lives on (its time is then the clock's, not `realTime`). */
async function overview(env: Bindings, db: Db, tenantId: string, clock: { id: string; frozenTime: number } | null, realTime: number): Promise<TenantOverview> {
  const now = clock?.frozenTime ?? realTime;
  const settings = await findTenant(db, tenantId);
  const found = await findLiveSubscription(db, tenantId);
  // Rolled forward to now first, as the preview does: a trial may have ended, a cancellation taken effect.
  const live = found && (await catchUp(env, db, found, now));
  const base = {
    id: tenantId,
    name: settings?.name ?? null,
    currency: settings?.currency ?? live?.currency ?? "USD",
    testClock: clock && { id: clock.id, frozenTime: iso(clock.frozenTime) },
  };
  if (!live || live.status === "canceled") return { ...base, subscription: null, periodToDate: null };
  const draft = await previewInvoice(env, db, tenantId, undefined, now);
  return {
    ...base,
    subscription: {
      id: live.id,
      planId: live.planId,
      status: live.status,
      currentPeriodStart: iso(live.currentPeriodStart),
      currentPeriodEnd: iso(live.currentPeriodEnd),
    },
    periodToDate: { amount: draft.totals.total, currency: draft.currency },
  };
}
