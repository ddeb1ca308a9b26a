import { z } from "@hono/zod-openapi";
import { Currency } from "../lib/currency";
import { TenantId } from "../http/fields";

const Budget = z
  .object({ amount: z.number().int().nonnegative().max(1e13).describe("Minor units per month"), currency: Currency })
  .strict()
  .openapi("Budget");

const fields = {
  name: z.string().trim().min(1).max(120),
  code: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,40}$/, "letters, digits, _ . - (max 40)")
    .nullable(),
  description: z.string().max(2000),
  ownerEmail: z.email().max(254).nullable(),
  budget: Budget.nullable(),
  tags: z.array(z.string().min(1).max(40)).max(20),
  active: z.boolean(),
};

export const CreateCostCenter = z
  .object({
    tenantId: TenantId.describe("Defaults to the token's tenant"),
    ...fields,
    code: fields.code.default(null),
    description: fields.description.default(""),
    ownerEmail: fields.ownerEmail.default(null),
    budget: fields.budget.default(null),
    tags: fields.tags.default([]),
    active: fields.active.default(true),
  })
  .partial({ tenantId: true })
  .strict()
  .openapi("CreateCostCenter");
export type CreateCostCenter = z.infer<typeof CreateCostCenter>;

export const UpdateCostCenter = z.object(fields).partial().strict().openapi("UpdateCostCenter");
export type UpdateCostCenter = z.infer<typeof UpdateCostCenter>;

export const CostCenter = z
  .object({
    id: z.string(),
    tenantId: z.string(),
    name: z.string(),
    code: z.string().nullable(),
    description: z.string(),
    ownerEmail: z.string().nullable(),
    budget: Budget.nullable(),
    tags: z.array(z.string()),
    active: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("CostCenter");
export type CostCenter = z.infer<typeof CostCenter>;
