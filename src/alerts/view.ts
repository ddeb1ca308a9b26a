import { iso } from "../lib/time";
import type { RealtimeAlertRow } from "./table";

export type AlertView = ReturnType<typeof toAlert>;

export function toAlert(row: RealtimeAlertRow, now: number) {
  const expired = row.state !== "ok" && row.windowEnd !== null && row.windowEnd <= now;
  const state = expired ? "ok" : row.state;
  return {
    id: row.id,
    tenantId: row.tenantId,
    name: row.name,
    type: row.type,
    metric: row.metric,
    threshold: row.type === "cost" ? row.thresholdAmount! : Number(row.thresholdQuantity!),
    period: row.period,
    channel: { webhookUrl: row.webhookUrl },
    state,
    triggeredAt: state === "ok" || row.triggeredAt === null ? null : iso(row.triggeredAt),
    dismissedAt: state === "dismissed" && row.dismissedAt !== null ? iso(row.dismissedAt) : null,
    lastValue: row.lastValue === null ? null : Number(row.lastValue),
    windowStart: state === "ok" || row.windowStart === null ? null : iso(row.windowStart),
    windowEnd: state === "ok" || row.windowEnd === null ? null : iso(row.windowEnd),
    createdAt: iso(row.createdAt),
  };
}
