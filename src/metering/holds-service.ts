import type { Bindings } from "../env";
import { ApiError, conflict, invalidState, notFound } from "../http/errors";
import { iso } from "../lib/time";
import type { CreateHold } from "./hold-schemas";
import type { Hold } from "./holds";
import { formatDecimal, quantityFromNumber } from "./quantity";
import { meterOf, storeNoticed } from "./service";
import type { HoldCommitResult, HoldOutcome } from "./types";

export const toHold = (h: Hold) => ({
  holdId: h.holdId,
  status: h.status,
  metric: h.metric,
  quantity: formatDecimal(h.quantity),
  projectId: h.projectId,
  resource: h.resource,
  costCenterId: h.costCenterId,
  amount: h.amount,
  currency: h.currency,
  createdAt: iso(h.createdAt),
  expiresAt: iso(h.expiresAt),
  eventId: h.eventId,
  committedQuantity: h.committedQuantity,
});

/** The API error for a hold the meter would not open, commit or release. */
function failure(o: Exclude<HoldOutcome, { ok: true }>): never {
  if (o.error === "not_found") throw notFound("Hold", o.holdId);
  if (o.error === "conflict") throw conflict(`Hold ${o.holdId} already exists with other terms`, { holdId: o.holdId });
  if (o.error === "closed")
    throw invalidState(`Hold ${o.holdId} is ${o.status}; only an open hold can be committed or released`, { holdId: o.holdId, status: o.status });
  throw new ApiError(o.refusal.code, o.refusal.message, o.refusal.details);
}

export async function createHold(env: Bindings, tenantId: string, input: CreateHold, now: number) {
  const outcome = await meterOf(env, tenantId).reserveHold(
    {
      holdId: input.holdId,
      metric: input.metric,
      quantity: formatDecimal(quantityFromNumber(input.quantity)!),
      ttlMs: input.ttlSeconds * 1000,
      projectId: input.projectId ?? null,
      resource: input.resource ?? null,
      costCenterId: input.costCenterId ?? null,
    },
    now,
  );
  if (!outcome.ok) failure(outcome);
  return { created: outcome.created, hold: toHold(outcome.hold) };
}

export async function commitHold(env: Bindings, tenantId: string, holdId: string, input: { quantity: number; eventId?: string }, now: number) {
  const result: HoldCommitResult = await meterOf(env, tenantId).commitHold(
    holdId,
    { quantity: formatDecimal(quantityFromNumber(input.quantity)!), eventId: input.eventId ?? `hold:${holdId}` },
    now,
  );
  if (!result.ok) failure(result);
  const { alerts, notices, ...event } = result.event;
  await storeNoticed(env, tenantId, { alerts, notices });
  return { hold: toHold(result.hold), event, committed: result.committed, refused: result.refused, ...(result.reason ? { reason: result.reason } : {}) };
}

export async function releaseHold(env: Bindings, tenantId: string, holdId: string, now: number) {
  const outcome = await meterOf(env, tenantId).releaseHold(holdId, now);
  if (!outcome.ok) failure(outcome);
  return toHold(outcome.hold);
}

export async function listHolds(env: Bindings, tenantId: string, now: number) {
  return (await meterOf(env, tenantId).openHolds(now)).map(toHold);
}
