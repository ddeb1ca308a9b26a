import { z } from "@hono/zod-openapi";

export const TenantListQuery = z.object({
  // Each row prices the tenant's current period, so pages are smaller than the API's default.
  limit: z.coerce.number().int().min(1).max(50).default(20),
  cursor: z.string().max(512).optional().openapi({ description: "Opaque cursor from `pagination.nextCursor`" }),
});

export const TenantOverview = z
  .object({
    id: z.string(),
    name: z.string().nullable(),
    currency: z.string(),
    testClock: z.object({ id: z.string(), frozenTime: z.string() }).nullable().describe("The test clock the tenant lives on, or null"),
    subscription: z
      .object({
        id: z.string(),
        planId: z.string(),
        status: z.string(),
        currentPeriodStart: z.string(),
        currentPeriodEnd: z.string(),
      })
      .nullable()
      .describe("The tenant-wide live subscription (else the newest live project subscription); null without one"),
    periodToDate: z
      .object({ amount: z.number().int().describe("Minor units"), currency: z.string() })
      .nullable()
      .describe("What that subscription's invoice for the current period totals right now (the billing preview's total)"),
  })
  .openapi("TenantOverview");
export type TenantOverview = z.infer<typeof TenantOverview>;
