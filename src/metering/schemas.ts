import { z } from "@hono/zod-openapi";
import { Aggregation } from "../plans/schemas";
import { FRACTION_DIGITS, MAX_EVENT_QUANTITY, quantityFromNumber } from "./quantity";

export const MetricName = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_.:-]{0,63}$/, "letters, digits, _ . : - (max 64, starting with a letter)")
  .openapi({ example: "apiCalls" });

/** A non-negative JSON number kept as an exact decimal (no strings: "5" is a type error). */
export const Quantity = z
  .number()
  .min(0)
  .max(MAX_EVENT_QUANTITY)
  .refine((n) => quantityFromNumber(n) !== null, `at most ${FRACTION_DIGITS} decimal places`)
  .openapi({ example: 1 });

const Dimension = (max: number, example: string) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[^\u0000-\u001f]*$/, "no control characters")
    .nullish()
    .openapi({ example });

export const MAX_PROPERTIES = 20;
export const MAX_PROPERTIES_BYTES = 2048;

const Properties = z
  .record(z.string().min(1).max(64), z.union([z.string().max(256), z.number(), z.boolean(), z.null()]))
  .refine((p) => Object.keys(p).length <= MAX_PROPERTIES, `at most ${MAX_PROPERTIES} properties`)
  .refine((p) => JSON.stringify(p).length <= MAX_PROPERTIES_BYTES, `at most ${MAX_PROPERTIES_BYTES} bytes as JSON`)
  .openapi({ example: { userId: "u_42" } });

const Timestamp = z
  .union([z.iso.datetime({ offset: true }), z.number().int().min(0)])
  .optional()
  .openapi({
    description: "ISO 8601 or epoch milliseconds; default now. At most 5 minutes ahead, at most 35 days back.",
    example: "2026-11-20T10:00:00Z",
  });

export const UsageEventInput = z
  .object({
    eventId: z.string().min(1).max(128).openapi({ description: "Idempotency key per tenant", example: "req_8f14e45f" }),
    metric: MetricName,
    quantity: Quantity,
    timestamp: Timestamp,
    projectId: Dimension(128, "proj_web"),
    resource: Dimension(256, "gpt-4o"),
    costCenterId: Dimension(128, "cc_research"),
    properties: Properties.optional(),
  })
  .strict()
  .openapi("UsageEvent");
export type UsageEventInput = z.infer<typeof UsageEventInput>;

export const MAX_BATCH_EVENTS = 1000;

export const UsageBatchInput = z
  .object({ events: z.array(UsageEventInput).min(1).max(MAX_BATCH_EVENTS) })
  .strict()
  .openapi("UsageBatch");

const QuotaUsage = z
  .object({
    quotaId: z.string(),
    metric: z.string(),
    source: z.enum(["plan", "tenant", "operator"]),
    subscriptionId: z.string().nullable(),
    period: z.enum(["hour", "day", "month", "billing_period"]),
    enforcement: z.enum(["hard", "soft"]),
    limit: z.number(),
    current: z.number(),
    remaining: z.number(),
    resetsAt: z.string(),
    exceeded: z.boolean(),
  })
  .openapi("QuotaUsage");

export const RecordedEvent = z
  .object({
    eventId: z.string(),
    status: z.enum(["accepted", "duplicate"]),
    total: z
      .object({
        metric: z.string(),
        aggregation: Aggregation,
        quantity: z.string().describe("Exact decimal"),
        periodStart: z.string(),
        periodEnd: z.string(),
      })
      .optional()
      .describe("The metric in the event's billing period, after this event"),
    quotas: z.array(QuotaUsage).optional(),
  })
  .openapi("RecordedEvent");

export const BatchAccepted = z
  .object({
    batchId: z.string(),
    accepted: z.number().int().describe("Events enqueued; each is deduplicated and checked against quotas when consumed"),
  })
  .openapi("BatchAccepted");

export const GroupBy = z.enum(["metric", "project", "resource", "costCenter", "hour", "day"]);
export type GroupBy = z.infer<typeof GroupBy>;
