import { z } from "@hono/zod-openapi";
import { MetricName, Quantity } from "../metering/schemas";
import { TenantId } from "../http/fields";

export const QuotaPeriodSchema = z.enum(["hour", "day", "month", "billing_period"]).openapi({
  description: "hour/day/month are UTC calendar windows; billing_period is the subscription's current period (the calendar month without one)",
});
export const EnforcementSchema = z
  .enum(["hard", "soft"])
  .openapi({ description: "hard: refuse the event that would exceed the limit (402); soft: accept and record the crossing" });

export const QuotaType = z.enum(["usage", "cost"]).openapi({
  description: "usage: a limit on a metric's quantity; cost: a spend cap on the billing period's priced usage, in minor units of the plan's currency",
});

export const CreateQuota = z
  .object({
    tenantId: TenantId,
    type: QuotaType.default("usage"),
    metric: MetricName.optional().describe("Required for a usage quota; none for a cost cap"),
    limit: Quantity.openapi({ example: 100000 }),
    period: QuotaPeriodSchema.default("billing_period"),
    enforcement: EnforcementSchema.default("hard"),
  })
  .strict()
  .superRefine((q, ctx) => {
    if (q.type === "usage" && q.metric === undefined) ctx.addIssue({ code: "custom", path: ["metric"], message: "required for a usage quota" });
    if (q.type === "cost") {
      if (q.metric !== undefined) ctx.addIssue({ code: "custom", path: ["metric"], message: "a cost cap covers every priced metric: leave it out" });
      if (!Number.isInteger(q.limit)) ctx.addIssue({ code: "custom", path: ["limit"], message: "a cost cap is in whole minor units" });
      if (q.period !== "billing_period") ctx.addIssue({ code: "custom", path: ["period"], message: "a cost cap runs over the billing period" });
    }
  })
  .openapi("CreateQuota");
export type CreateQuota = z.infer<typeof CreateQuota>;

export const UpdateQuota = z
  .object({ limit: Quantity, period: QuotaPeriodSchema, enforcement: EnforcementSchema })
  .partial()
  .strict()
  .refine((u) => Object.keys(u).length > 0, "nothing to update")
  .openapi("UpdateQuota");
export type UpdateQuota = z.infer<typeof UpdateQuota>;

export const QuotaId = z.string().min(1).max(200).openapi({ example: "qt_01kbz3q2x8a7m4c9d2e5f6g7h9" });

export const Quota = z
  .object({
    id: z.string(),
    tenantId: z.string(),
    type: QuotaType,
    metric: z.string().nullable().describe("null for a cost cap"),
    limit: z.number().describe("Quantity, or minor units for a cost cap"),
    period: QuotaPeriodSchema,
    enforcement: EnforcementSchema,
    source: z
      .enum(["plan", "tenant", "operator"])
      .describe("plan: the subscription's plan limit (the default); tenant: a cap the tenant set; operator: set by an admin"),
    subscriptionId: z.string().nullable().describe("For plan quotas: the subscription whose usage counts"),
    usage: z
      .object({ current: z.number(), remaining: z.number(), resetsAt: z.string(), exceeded: z.boolean() })
      .nullable()
      .describe("Utilisation in the current window"),
    createdAt: z.string().nullable(),
    updatedAt: z.string().nullable(),
  })
  .openapi("Quota");
export type Quota = z.infer<typeof Quota>;

export const CheckQuery = z.object({
  metric: MetricName,
  quantity: z.coerce.number().pipe(Quantity).default(1).openapi({ type: "number", description: "How much more would be recorded (default 1)" }),
  projectId: z.string().min(1).max(128).optional().openapi({ description: "Check against this project's subscription" }),
});

export const QuotaCheck = z
  .object({
    allowed: z.boolean(),
    current: z.number(),
    limit: z.number().nullable().describe("null: no quota applies"),
    remaining: z.number().nullable(),
    resetsAt: z.string().nullable(),
    metric: z.string(),
    quotaId: z.string().nullable().describe("The binding quota: the one that refuses, else the one with least room"),
    reason: z.enum(["QUOTA_EXCEEDED", "SUBSCRIPTION_PAUSED"]).optional(),
  })
  .openapi("QuotaCheck");
