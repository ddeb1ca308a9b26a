import type { z } from "@hono/zod-openapi";
import type { Bindings } from "../env";
import { badRequest } from "../http/errors";
import { DAY_MS } from "../lib/time";
import type { SummaryQuery, UsageSummary } from "./schemas";
import { readUsage } from "../metering/usage";
import type { CsvCell } from "../http/csv";

/** The longest window one summary may cover. */
const MAX_WINDOW_MS = 400 * DAY_MS;

export async function usageSummary(
  env: Bindings,
  tenantId: string,
  q: z.infer<typeof SummaryQuery>,
  now: number,
): Promise<Omit<z.infer<typeof UsageSummary>, "lateUsage">> {
  const from = q.from === undefined ? undefined : Date.parse(q.from);
  const to = q.to === undefined ? undefined : Date.parse(q.to);
  if (from !== undefined && to !== undefined && from >= to) {
    throw badRequest("from must be before to", [{ path: "to", message: "must be after from", code: "too_small" }]);
  }
  // A missing bound is the current billing period's, which lies around `now`.
  if ((to ?? now) - (from ?? now) > MAX_WINDOW_MS) {
    throw badRequest("A summary window may span at most 400 days", [{ path: "from", message: "at most 400 days before to", code: "too_big" }]);
  }
  const usage = await readUsage(env, tenantId, { from, to, projectId: q.projectId, metric: q.metric, groupBy: q.groupBy }, now);
  return {
    tenantId,
    from: new Date(usage.from).toISOString(),
    to: new Date(usage.to).toISOString(),
    groupBy: q.groupBy,
    items: usage.groups.map(({ metric, aggregation, key, quantity, events, rejected }) => ({
      metric,
      aggregation,
      key,
      quantity,
      events,
      rejected,
    })),
  };
}

/** The summary as CSV rows; the group column is named after the grouping (`project`, `hour`, …). */
export function summaryCsv(summary: Omit<z.infer<typeof UsageSummary>, "lateUsage">): { columns: string[]; rows: CsvCell[][] } {
  const grouped = summary.groupBy !== "metric";
  return {
    columns: ["metric", "aggregation", ...(grouped ? [summary.groupBy] : []), "quantity", "events", "rejected"],
    rows: summary.items.map((i) => [i.metric, i.aggregation, ...(grouped ? [i.key] : []), i.quantity, i.events, i.rejected]),
  };
}
