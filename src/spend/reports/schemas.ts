import { z } from "@hono/zod-openapi";
import { checkRange } from "../dates";
import { FilterQuery } from "../items/schemas";

export const ReportQuery = FilterQuery.superRefine(checkRange);
export const BreakdownQuery = FilterQuery.extend({
  by: z.enum(["provider", "category", "service", "recurring", "tag"]).default("provider"),
}).superRefine(checkRange);
export const TrendQuery = FilterQuery.extend({
  interval: z.enum(["day", "week", "month"]).default("month"),
}).superRefine(checkRange);

export type Dimension = z.infer<typeof BreakdownQuery>["by"];
export type Interval = z.infer<typeof TrendQuery>["interval"];

const CurrencyTotal = z.object({ currency: z.string(), totalAmount: z.number().int(), itemCount: z.number().int() });

export const Summary = z
  .object({
    totalAmount: z.number().int().openapi({ description: "Minor units of `currency`; items in other currencies are not in it" }),
    itemCount: z.number().int(),
    currency: z.string(),
    from: z.string().nullable(),
    to: z.string().nullable(),
    byCurrency: z.array(CurrencyTotal).openapi({ description: "Every currency the filters match, each totalled on its own" }),
  })
  .openapi("SpendSummary");

export const BreakdownRow = z
  .object({
    key: z.string().openapi({ description: '"(none)" groups items without a value (no category, service or tag)' }),
    amount: z.number().int(),
    count: z.number().int(),
    percentage: z.number().openapi({ description: "Share of the filtered total, one decimal" }),
  })
  .openapi("SpendBreakdownRow");

export const TrendPoint = z
  .object({
    date: z.string().openapi({ description: "YYYY-MM-DD (day), YYYY-Www ISO week, or YYYY-MM (month)", example: "2026-03" }),
    amount: z.number().int(),
    count: z.number().int(),
  })
  .openapi("SpendTrendPoint");
