import { z } from "@hono/zod-openapi";
import { Aggregation } from "../plans/schemas";
import { GroupBy, MetricName } from "../metering/schemas";

const Instant = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()])
  .openapi({ description: "ISO 8601 date or date-time", example: "2026-11-01T00:00:00Z" });

export const SummaryQuery = z.object({
  from: Instant.optional().openapi({ description: "Inclusive; default the start of the current billing period" }),
  to: Instant.optional().openapi({ description: "Exclusive; default the end of the current billing period" }),
  metric: MetricName.optional(),
  projectId: z.string().min(1).max(128).optional(),
  groupBy: GroupBy.default("metric"),
});

export const SummaryItem = z
  .object({
    metric: z.string(),
    aggregation: Aggregation,
    key: z.string().nullable().describe("The group: project id, resource, cost center id, or the hour/day (ISO); null for 'none' or groupBy=metric"),
    quantity: z.string().describe("Exact decimal, aggregated as the meter says"),
    events: z.number().int().describe("Accepted events"),
    rejected: z.number().int().describe("Events refused by a hard quota or a paused subscription"),
  })
  .openapi("UsageSummaryItem");

export const UsageSummary = z
  .object({
    tenantId: z.string(),
    from: z.string(),
    to: z.string(),
    groupBy: GroupBy,
    items: z.array(SummaryItem),
    lateUsage: z
      .array(
        z.object({
          invoiceId: z.string(),
          number: z.string().nullable(),
          periodStart: z.string(),
          periodEnd: z.string(),
          metric: z.string(),
          invoicedQuantity: z.string(),
          currentQuantity: z.string(),
          lateQuantity: z.string(),
        }),
      )
      .describe("Usage that arrived for an already finalized invoice's period (reported, never billed: a finalized invoice does not change)"),
  })
  .openapi("UsageSummary");
