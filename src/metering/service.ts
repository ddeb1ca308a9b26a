import type { Bindings } from "../env";
import { newId } from "../lib/ids";
import { recordAlertCrossings } from "../alerts";
import { ApiError } from "../http/errors";
import { log } from "../http/logger";
import { noteQuotaRefusals } from "./quota-events";
import { tellWalletNotices } from "../wallet";
import { enqueueUsage, type UsageMessage } from "./enqueue";
import { toMeterEvents } from "./events";
import type { UsageEventInput } from "./schemas";
import type { RecordedEvent } from "./types";

export const meterOf = (env: Bindings, tenantId: string) => env.TENANT_METER.getByName(tenantId);

/**
 * What a recording call of the meter noticed, stored in D1: alert crossings and wallet notices.
 * The meter keeps both until they are stored, so a failure here leaves them to the hourly sweep
 * and the meter's alarm.
 */
export async function storeNoticed(env: Bindings, tenantId: string, n: Pick<RecordedEvent, "alerts" | "notices">): Promise<void> {
  await tellWalletNotices(env, tenantId, n.notices);
  if (n.alerts) {
    await recordAlertCrossings(env, tenantId, n.alerts).catch((err: Error) => log("warn", "alert.persist_deferred", { tenant: tenantId, error: err.message }));
  }
}

/** Records one event synchronously; a refusal becomes the API error (402 with details, or 400). */
export async function recordUsage(env: Bindings, tenantId: string, input: UsageEventInput, now: number): Promise<RecordedEvent> {
  const [event] = toMeterEvents([input], now);
  const result = await meterOf(env, tenantId).record(event!, now);
  const { alerts, notices, ...recorded } = result;
  await storeNoticed(env, tenantId, { alerts, notices });
  if (recorded.status === "rejected") {
    await noteQuotaRefusals(env, tenantId, [recorded], [event!]);
    throw new ApiError(recorded.reason.code, recorded.reason.message, recorded.reason.details);
  }
  return recorded;
}

/** Validates the whole batch, then enqueues it; the consumer records it. */
export async function enqueueBatch(
  env: Bindings,
  tenantId: string,
  inputs: readonly UsageEventInput[],
  now: number,
): Promise<{ batchId: string; accepted: number }> {
  const events = toMeterEvents(inputs, now, "events");
  const batchId = newId("batch");
  await enqueueUsage(env.USAGE_EVENTS as Queue<UsageMessage>, tenantId, batchId, events);
  return { batchId, accepted: events.length };
}
