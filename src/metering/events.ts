import { badRequest } from "../http/errors";
import type { FieldIssue } from "../http/validation";
import { DAY_MS } from "../lib/time";
import { formatDecimal, quantityFromNumber } from "./quantity";
import type { UsageEventInput } from "./schemas";
import type { MeterEvent } from "./types";

/** How far ahead of the server's clock an event may be stamped (client clock skew). */
export const MAX_FUTURE_MS = 5 * 60_000;
/** How far back an event may be stamped; also how long event ids are remembered. */
export const BACKDATE_WINDOW_MS = 35 * DAY_MS;

/**
 * Validated input → the event the meter records, with its time resolved now
 * (so a queue retry replays the same timestamp). Time errors for all events
 * are reported together, each with its field path (`events.3.timestamp`).
 */
export function toMeterEvents(inputs: readonly UsageEventInput[], now: number, arrayPath?: string): MeterEvent[] {
  const issues: FieldIssue[] = [];
  const events = inputs.map((input, i) => {
    const timestamp = input.timestamp === undefined ? now : typeof input.timestamp === "number" ? input.timestamp : Date.parse(input.timestamp);
    const path = arrayPath === undefined ? "timestamp" : `${arrayPath}.${i}.timestamp`;
    if (timestamp > now + MAX_FUTURE_MS) {
      issues.push({ path, code: "too_far_in_future", message: "is more than 5 minutes in the future" });
    } else if (timestamp < now - BACKDATE_WINDOW_MS) {
      issues.push({ path, code: "too_old", message: "is older than the 35-day backdating window" });
    }
    const event: MeterEvent = {
      eventId: input.eventId,
      metric: input.metric,
      quantity: formatDecimal(quantityFromNumber(input.quantity)!),
      timestamp,
      projectId: input.projectId ?? null,
      resource: input.resource ?? null,
      costCenterId: input.costCenterId ?? null,
    };
    if (input.properties && Object.keys(input.properties).length > 0) event.properties = input.properties;
    return event;
  });
  if (issues.length > 0) {
    throw badRequest(`Invalid ${issues[0]!.path}: ${issues[0]!.message}`, issues);
  }
  return events;
}
