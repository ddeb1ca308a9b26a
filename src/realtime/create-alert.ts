import type { Db } from "../db/client";
import type { Bindings } from "../env";
import { calendarWindow, type Window } from "../metering/periods";
import { decimal, formatDecimal } from "../metering/quantity";
import { readUsage } from "../metering/usage";
import { findAlert, insertAlert, pushAlerts, setLastValue, triggerAlert, type AlertView } from "../alerts";
import { costContext } from "./context";
import { evaluateCostAlerts } from "./cost-alerts";
import type { CreateAlert } from "./schemas";

export async function createAlert(env: Bindings, db: Db, tenantId: string, input: CreateAlert, now: number): Promise<AlertView> {
  const id = await insertAlert(
    env,
    db,
    tenantId,
    {
      name: input.name ?? null,
      type: input.type,
      metric: input.type === "usage" ? input.metric! : null,
      thresholdAmount: input.type === "cost" ? input.threshold : null,
      thresholdQuantity: input.type === "usage" ? formatDecimal(decimal(String(input.threshold))) : null,
      period: input.period,
      webhookUrl: input.channel?.webhookUrl ?? null,
    },
    now,
  );
  // The meter first, then the value already reached: a write in between is seen by one or both,
  // and triggering is idempotent per window.
  if (input.type === "usage") {
    await pushAlerts(env, db, tenantId);
    const window = await usageWindow(env, db, tenantId, input.period, now);
    const usage = await readUsage(env, tenantId, { from: window.start, to: window.end, metric: input.metric!, groupBy: "metric" }, now);
    const value = usage.groups[0]?.quantity ?? "0";
    const threshold = decimal(String(input.threshold));
    if (decimal(value) >= threshold) {
      await triggerAlert(db, tenantId, { alertId: id, value, at: now, windowStart: window.start, windowEnd: window.end });
    } else {
      await setLastValue(db, id, value);
    }
  } else {
    await evaluateCostAlerts(env, db, tenantId, now);
  }
  return (await findAlert(db, id, now))!;
}

async function usageWindow(env: Bindings, db: Db, tenantId: string, period: AlertView["period"], now: number): Promise<Window> {
  if (period !== "billing_period") return calendarWindow(period, now);
  return (await costContext(env, db, tenantId, now)).period;
}
