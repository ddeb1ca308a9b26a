import { z } from "@hono/zod-openapi";
import { PageQuery } from "../../http/pagination";
import { Currency } from "../../lib/currency";
import { checkRange, InstantParam } from "../dates";
import { TenantQuery } from "../scope";

/** A query parameter sent empty (`?provider=`) means "not given". */
const param = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === "" ? undefined : v), schema.optional()) as unknown as z.ZodOptional<T>;

export const ProviderName = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .transform((s) => s.toLowerCase())
  .openapi({ type: "string", example: "gcp", description: "Stored lower-case: `GCP` and `gcp` are one provider" });

export const Tag = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .refine((s) => !s.includes(","), "must not contain a comma (the ?tags= filter is comma-separated)");

const Tags = z
  .array(Tag)
  .max(20)
  .transform((tags) => [...new Set(tags)])
  .openapi({ type: "array", items: { type: "string" }, example: ["compute", "production"] });

/** Integer minor units of the item's currency (cents for USD). */
export const Amount = z.number().int("must be an integer number of minor units (cents)").min(0).max(1e12).openapi({ example: 1050 });

export const Period = z.enum(["daily", "weekly", "monthly", "quarterly", "yearly"]);

export const CategoryRef = z
  .string()
  .trim()
  .min(1)
  .max(120)
  .openapi({ description: "A category id or name; an unknown name creates the category", example: "Infrastructure" });

const optionalText = (max: number) => z.string().trim().min(1).max(max).nullable().optional();

export const CreateItem = z
  .object({
    name: z.string().trim().min(1).max(200).openapi({ example: "GCP Compute Engine" }),
    amount: Amount,
    currency: Currency.optional().openapi({ description: "Default: the tenant's currency" }),
    provider: ProviderName,
    providerRef: optionalText(256).openapi({ description: "Unique per tenant and provider", example: "gcp-inv-2026-03" }),
    tags: Tags.default([]),
    description: z.string().max(2000).default(""),
    recurring: z.boolean().default(false),
    period: Period.nullable().optional(),
    date: InstantParam.optional().openapi({ description: "When the cost was incurred; default: now" }),
    category: CategoryRef.nullable().optional(),
    service: optionalText(200).openapi({ example: "Compute Engine" }),
    stageApp: optionalText(128).openapi({ example: "production/api" }),
  })
  .strict()
  .openapi("CreateSpendItem");
export type CreateItem = z.infer<typeof CreateItem>;

export const UpdateItem = z
  .object({
    name: z.string().trim().min(1).max(200),
    amount: Amount,
    currency: Currency,
    provider: ProviderName,
    providerRef: z.string().trim().min(1).max(256).nullable(),
    tags: Tags,
    description: z.string().max(2000),
    recurring: z.boolean(),
    period: Period.nullable(),
    date: InstantParam,
    category: CategoryRef.nullable(),
    service: z.string().trim().min(1).max(200).nullable(),
    stageApp: z.string().trim().min(1).max(128).nullable(),
  })
  .partial()
  .strict()
  .openapi("UpdateSpendItem");
export type UpdateItem = z.infer<typeof UpdateItem>;

export const MAX_BULK_ITEMS = 500;

export const BulkCreateItems = z
  .object({ items: z.array(CreateItem).min(1).max(MAX_BULK_ITEMS) })
  .strict()
  .superRefine((body, ctx) => {
    const seen = new Set<string>();
    body.items.forEach((item, i) => {
      if (!item.providerRef) return;
      const key = `${item.provider}\u0000${item.providerRef}`;
      if (seen.has(key)) ctx.addIssue({ code: "custom", path: ["items", i, "providerRef"], message: "duplicate provider + providerRef in this request" });
      seen.add(key);
    });
  })
  .openapi("BulkCreateSpendItems");

export const SpendItem = z
  .object({
    id: z.string().openapi({ example: "abc123def456" }),
    tenantId: z.string(),
    name: z.string(),
    amount: z.number().int(),
    currency: z.string(),
    provider: z.string(),
    providerRef: z.string().nullable(),
    tags: z.array(z.string()),
    description: z.string(),
    recurring: z.boolean(),
    period: z.string().nullable(),
    date: z.string(),
    category: z.string().nullable().openapi({ description: "The category's name" }),
    categoryId: z.string().nullable(),
    service: z.string().nullable(),
    stageApp: z.string().nullable(),
    author: z.string().nullable().openapi({ description: "`sub` of the token that created it (sync: the job's requester)" }),
    syncJobId: z.string().nullable().openapi({ description: "The sync job that created it; null when entered through the API" }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("SpendItem");
export type SpendItem = z.infer<typeof SpendItem>;

/** The filters items, reports and the status share (seed 000's item and report filters). */
export const FilterQuery = TenantQuery.extend({
  category: param(z.string().max(120)).openapi({ description: "Category id or name" }),
  provider: param(ProviderName),
  service: param(z.string().max(200)),
  from: param(InstantParam).openapi({ description: "Inclusive: a date (from 00:00 UTC) or a date-time" }),
  to: param(InstantParam).openapi({ description: "Inclusive: a date (through 23:59:59.999 UTC) or a date-time" }),
  recurring: param(z.enum(["true", "false"]).transform((v) => v === "true")),
  tags: param(
    z
      .string()
      .max(1400)
      .transform((s) =>
        s
          .split(",")
          .map((t) => t.trim())
          .filter(Boolean),
      )
      .pipe(z.array(Tag).max(20)),
  ).openapi({ type: "string", description: "Comma-separated; an item must carry every tag listed", example: "compute,production" }),
  stageApp: param(z.string().max(128)),
  author: param(z.string().max(256)),
  currency: param(Currency).openapi({ description: "Items: only this currency. Reports: the currency reported in (default: the tenant's)" }),
});

export const ItemListQuery = FilterQuery.extend(PageQuery.shape).superRefine(checkRange);
export type FilterQuery = z.infer<typeof FilterQuery>;

export const ProviderRefQuery = TenantQuery.extend({
  provider: ProviderName,
  providerRef: z.string().trim().min(1).max(256),
});

export const ItemParams = z.object({ id: z.string().min(1).max(64) });
