import { z } from "@hono/zod-openapi";
import { Currency } from "../lib/currency";
import { ROUNDING_MODES } from "../lib/decimal";

const Address = z
  .object({
    line1: z.string().max(200).optional(),
    line2: z.string().max(200).optional(),
    city: z.string().max(100).optional(),
    state: z.string().max(100).optional(),
    postalCode: z.string().max(20).optional(),
    country: z
      .string()
      .regex(/^[A-Z]{2}$/, "ISO 3166-1 alpha-2")
      .optional(),
  })
  .strict()
  .openapi("PostalAddress");

const RoundingMode = z
  .enum(ROUNDING_MODES)
  .describe(
    "How amounts are rounded to minor units, once per usage line, percent discount and tax: half_up (default; ties away from zero, 2.5 → 3) or half_even (ties to the even neighbour, 2.5 → 2)",
  )
  .openapi("RoundingMode");

export const Tenant = z
  .object({
    id: z.string(),
    name: z.string().nullable(),
    billingEmail: z.string().nullable(),
    billingAddress: Address.nullable(),
    currency: z.string(),
    taxRateBps: z.number().int().describe("Tax rate in basis points (2000 = 20%)"),
    roundingMode: RoundingMode,
    stripeCustomerId: z.string().nullable(),
    testClock: z
      .object({ id: z.string(), frozenTime: z.string() })
      .nullable()
      .describe("The test clock the tenant lives on (its time is the clock's), or null: real time"),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("Tenant");
export type Tenant = z.infer<typeof Tenant>;

export const UpdateTenant = z
  .object({
    name: z.string().min(1).max(200),
    billingEmail: z.email().max(254),
    billingAddress: Address,
    currency: Currency,
    taxRateBps: z.number().int().min(0).max(10000),
    roundingMode: RoundingMode,
  })
  .partial()
  .strict()
  .openapi("UpdateTenant");
export type UpdateTenant = z.infer<typeof UpdateTenant>;
