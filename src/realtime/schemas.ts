import { z } from "@hono/zod-openapi";
import { AlertPeriod, AlertType } from "../alerts";
import { InvoicePreview } from "../invoices/schemas";
import { Aggregation } from "../plans/schemas";
import { MetricName } from "../metering/schemas";
import { FRACTION_DIGITS, MAX_EVENT_QUANTITY, quantityFromNumber } from "../metering/quantity";

const Instant = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()])
  .openapi({ description: "ISO 8601 date or date-time", example: "2026-11-01T00:00:00Z" });

/** Money whose currency is null when there is no subscription to price in. */
const Amount = z.object({ amount: z.number().int().describe("Minor units"), currency: z.string().nullable() }).openapi("RealtimeAmount");

const SubscriptionRef = z
  .object({ id: z.string(), planId: z.string(), status: z.string(), projectId: z.string().nullable() })
  .nullable()
  .describe("null: the tenant has no live subscription; usage is shown, nothing is priced");

export const CurrentCost = z
  .object({
    tenantId: z.string(),
    subscription: SubscriptionRef,
    note: z.string().nullable(),
    currency: z.string().nullable(),
    periodStart: z.string(),
    periodEnd: z.string(),
    asOf: z.string(),
    baseFee: Amount,
    prorations: Amount,
    usage: z.array(z.object({ metric: z.string(), quantity: z.string(), billableQuantity: z.string(), amount: Amount })),
    usageTotal: Amount,
    subtotal: Amount,
    discounts: Amount,
    tax: Amount.extend({ rateBps: z.number().int() }),
    total: Amount,
    lines: InvoicePreview.shape.lines,
  })
  .openapi("RealtimeCurrentCost");

export const CostGroupBy = z.enum(["resource", "project", "costCenter"]);

export const ByResourceQuery = z.object({
  from: Instant.optional().openapi({ description: "Inclusive; default the start of the current billing period" }),
  to: Instant.optional().openapi({ description: "Exclusive; default now" }),
  groupBy: CostGroupBy.default("resource"),
});

const MeterShare = z.object({ metric: z.string(), quantity: z.string(), amount: Amount });

export const CostByResource = z
  .object({
    tenantId: z.string(),
    subscription: SubscriptionRef,
    currency: z.string().nullable(),
    groupBy: CostGroupBy,
    from: z.string(),
    to: z.string(),
    items: z.array(
      z.object({
        key: z.string().nullable().describe("The resource, project or cost center; null = usage without one"),
        amount: Amount,
        meters: z.array(MeterShare),
      }),
    ),
    meters: z.array(
      z.object({
        metric: z.string(),
        aggregation: Aggregation,
        quantity: z.string(),
        amount: Amount,
        groups: z.array(z.object({ key: z.string().nullable(), quantity: z.string(), amount: Amount })),
      }),
    ),
    total: Amount,
    allocation: z.string().describe("How each meter's charge is split across groups"),
  })
  .openapi("RealtimeCostByResource");

export const TimelineQuery = z.object({
  interval: z.enum(["hour", "day"]).default("day"),
  from: Instant.optional().openapi({ description: "Default: the start of the current billing period" }),
  to: Instant.optional().openapi({ description: "Default: now" }),
});

export const CostTimeline = z
  .object({
    tenantId: z.string(),
    subscription: SubscriptionRef,
    currency: z.string().nullable(),
    interval: z.enum(["hour", "day"]),
    from: z.string(),
    to: z.string(),
    buckets: z.array(
      z.object({
        start: z.string(),
        end: z.string(),
        amount: Amount,
        meters: z.array(MeterShare.extend({ cumulativeQuantity: z.string() })),
      }),
    ),
    total: Amount,
    method: z.string(),
  })
  .openapi("RealtimeCostTimeline");

export const CreateAlert = z
  .object({
    type: AlertType,
    metric: MetricName.optional().openapi({ description: "Required for usage alerts; not allowed for cost alerts" }),
    threshold: z.number().positive().max(MAX_EVENT_QUANTITY).openapi({ description: "cost: minor units (integer); usage: a quantity", example: 10000 }),
    period: AlertPeriod.default("billing_period"),
    name: z.string().min(1).max(200).optional(),
    channel: z
      .object({
        webhookUrl: z
          .url({ protocol: /^https$/ })
          .max(2048)
          .optional(),
      })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((a, ctx) => {
    if (a.type === "usage" && a.metric === undefined) ctx.addIssue({ code: "custom", path: ["metric"], message: "required for usage alerts" });
    if (a.type === "cost" && a.metric !== undefined) ctx.addIssue({ code: "custom", path: ["metric"], message: "only usage alerts have a metric" });
    if (a.type === "cost" && !Number.isSafeInteger(a.threshold)) {
      ctx.addIssue({ code: "custom", path: ["threshold"], message: "cost thresholds are integer minor units" });
    }
    if (a.type === "usage" && quantityFromNumber(a.threshold) === null) {
      ctx.addIssue({ code: "custom", path: ["threshold"], message: `at most ${FRACTION_DIGITS} decimal places` });
    }
  })
  .openapi("CreateRealtimeAlert");
export type CreateAlert = z.infer<typeof CreateAlert>;

export const AlertId = z.string().min(1).max(64);
