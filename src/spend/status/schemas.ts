import { z } from "@hono/zod-openapi";

export const SpendStatus = z
  .object({
    initialized: z.boolean(),
    config: z.object({ version: z.number().int(), currency: z.string() }),
    totalItems: z.number().int(),
    totalCategories: z.number().int(),
    totalSyncJobs: z.number().int(),
    totalAmount: z.number().int().openapi({ description: "Minor units of `currency`; other currencies are in byCurrency" }),
    currency: z.string(),
    storageType: z.literal("d1"),
    byCurrency: z.array(z.object({ currency: z.string(), totalAmount: z.number().int(), itemCount: z.number().int() })),
  })
  .openapi("SpendStatus");
