import { database } from "../db/client";
import type { Bindings } from "../env";
import { log } from "../http/logger";
import type { EventOutcome, MeterEvent } from "./types";
import { eventStatement, onceEventId } from "../webhooks";

type Refused = Extract<EventOutcome, { status: "rejected" }>;

/** Event ids already written by this isolate: a tenant hammering a full quota costs no D1 write per refusal. */
const written = new Set<string>();
const MAX_REMEMBERED = 10_000;

/**
 * `quota.exceeded`, once per quota and period: the first hard-quota refusal of a window writes
 * the event under an id derived from (tenant, quota, window end), so later refusals in the same
 * window are ignored by the database (and mostly not even sent, thanks to `written`). Emitted
 * from the usage route and the queue consumer after the meter answered, not from inside the
 * meter, which keeps the hot path free of D1. A failure is logged: usage handling goes on.
 */
export async function noteQuotaRefusals(env: Bindings, tenantId: string, refusals: Refused[], events: MeterEvent[]): Promise<void> {
  const db = database(env.DB);
  for (const r of refusals) {
    if (r.reason.code !== "QUOTA_EXCEEDED") continue;
    const d = r.reason.details as { quotaId: string; metric: string; period: string; limit: number; current: number; resetsAt: string };
    const id = onceEventId("quota.exceeded", tenantId, d.quotaId, d.resetsAt);
    if (written.has(id)) continue;
    const projectId = events.find((e) => e.eventId === r.eventId)?.projectId ?? null;
    const quota = { quotaId: d.quotaId, metric: d.metric, period: d.period, limit: d.limit, current: d.current, resetsAt: d.resetsAt };
    try {
      await db.batch([eventStatement(db, { id, tenantId, type: "quota.exceeded", data: { quota, projectId }, at: Date.now() })]);
      if (written.size >= MAX_REMEMBERED) written.clear();
      written.add(id);
    } catch (err) {
      log("warn", "quota.event_failed", { tenant: tenantId, quotaId: d.quotaId, error: (err as Error).message });
    }
  }
}
