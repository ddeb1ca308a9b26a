import { z } from "@hono/zod-openapi";

const Color = z
  .string()
  .regex(/^#[0-9A-Fa-f]{6}$/, "must be a #RRGGBB hex colour")
  .transform((s) => s.toUpperCase())
  .openapi({ type: "string", example: "#4A90D9" });

export const CategoryName = z.string().trim().min(1).max(120).openapi({ example: "Infrastructure" });

export const CreateCategory = z
  .object({
    name: CategoryName,
    description: z.string().max(2000).default(""),
    color: Color.nullable().default(null),
  })
  .strict()
  .openapi("CreateSpendCategory");
export type CreateCategory = z.infer<typeof CreateCategory>;

export const UpdateCategory = z
  .object({ name: CategoryName, description: z.string().max(2000), color: Color.nullable() })
  .partial()
  .strict()
  .openapi("UpdateSpendCategory");
export type UpdateCategory = z.infer<typeof UpdateCategory>;

export const SpendCategory = z
  .object({
    id: z.string(),
    tenantId: z.string(),
    name: z.string(),
    description: z.string(),
    color: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("SpendCategory");
export type SpendCategory = z.infer<typeof SpendCategory>;

export const CategoryDeleted = z
  .object({
    id: z.string(),
    deleted: z.literal(true),
    itemsUncategorized: z.number().int().openapi({ description: "Items that were in the category; they keep existing with category null" }),
  })
  .openapi("SpendCategoryDeleted");

export const CategoryParams = z.object({
  idOrName: z
    .string()
    .min(1)
    .max(120)
    .openapi({ param: { name: "idOrName", in: "path" }, example: "Infrastructure" }),
});
