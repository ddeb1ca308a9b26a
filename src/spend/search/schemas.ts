import { z } from "@hono/zod-openapi";
import { SpendItem } from "../items/schemas";
import { TenantQuery } from "../scope";

export const SearchQuery = TenantQuery.extend({
  q: z
    .string()
    .trim()
    .min(1)
    .max(500)
    .openapi({ description: "Words to find; each matches as a prefix (`comp` finds `compute`); all must match", example: "compute" }),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export const SearchHit = SpendItem.extend({
  score: z.number().openapi({ description: "bm25 relevance, higher is better" }),
}).openapi("SpendSearchHit");
