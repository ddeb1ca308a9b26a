import { z } from "@hono/zod-openapi";
import { CREDIT_KINDS } from "./table";

export const CreditMovement = z
  .object({
    id: z.string(),
    kind: z.enum(CREDIT_KINDS),
    amount: z.number().int().describe("Signed minor units: grants and restores add, consumptions take"),
    currency: z.string(),
    reason: z.string(),
    grantId: z.string(),
    expiresAt: z.string().nullable(),
    subscriptionId: z.string().nullable(),
    invoiceId: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi("CreditMovement");
export type CreditMovement = z.infer<typeof CreditMovement>;

export const CreditBalance = z.object({ currency: z.string(), balance: z.number().int() }).openapi("CreditBalance");

export const CreditBalances = z
  .object({ tenantId: z.string(), balances: z.array(CreditBalance).describe("Unexpired credit per currency") })
  .openapi("CreditBalances");

export const CreditGrant = z
  .object({ tenantId: z.string(), currency: z.string(), balance: z.number().int(), movement: CreditMovement })
  .openapi("CreditGrant");
export type CreditGrant = z.infer<typeof CreditGrant>;
