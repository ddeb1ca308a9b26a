import { z } from "@hono/zod-openapi";

export const AlertType = z.enum(["cost", "usage"]);
export const AlertPeriod = z.enum(["billing_period", "day", "hour"]);

export const Alert = z
  .object({
    id: z.string(),
    tenantId: z.string(),
    name: z.string().nullable(),
    type: AlertType,
    metric: z.string().nullable(),
    threshold: z.number(),
    period: AlertPeriod,
    channel: z.object({ webhookUrl: z.string().nullable() }),
    state: z.enum(["ok", "triggered", "dismissed"]),
    triggeredAt: z.string().nullable(),
    dismissedAt: z.string().nullable(),
    lastValue: z.number().nullable().describe("The value when the alert was last evaluated or triggered (minor units for cost)"),
    windowStart: z.string().nullable().describe("The window of the period the trigger belongs to"),
    windowEnd: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi("RealtimeAlert");
