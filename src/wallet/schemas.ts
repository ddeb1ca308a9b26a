import { z } from "@hono/zod-openapi";
import { Currency } from "../lib/currency";
import { Instant } from "../http/fields";
import { ENTRY_KINDS } from "./types";

const Metric = z.string().regex(/^[A-Za-z][A-Za-z0-9_.:-]{0,63}$/, "letters, digits, _ . : - (max 64)");
const Minor = z.number().int().nonnegative().max(1e12);
const PositiveMinor = z.number().int().positive().max(1e12);

export const CreateGrant = z
  .object({
    grantId: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/, "letters, digits, _ . : - (max 128)")
      .describe("Your idempotency key: a repeat with the same grantId grants nothing more"),
    amount: PositiveMinor.describe("Minor units"),
    currency: Currency,
    reason: z.string().trim().min(1).max(500),
    expiresAt: Instant.optional().describe("After this instant the grant's remainder is no longer usable"),
    priority: z.number().int().min(0).max(100).default(50).describe("Lower is used first; ties go to the grant that expires soonest"),
    appliesTo: z.array(Metric).min(1).max(50).optional().describe("Only usage of these metrics may draw on it (it then pays no base fees)"),
  })
  .strict()
  .openapi("CreateWalletGrant");
export type CreateGrant = z.infer<typeof CreateGrant>;

export const WalletSettingsInput = z
  .object({
    policy: z
      .enum(["block", "overdraft"])
      .describe(
        "`block`: usage the balance cannot pay for is refused (402 INSUFFICIENT_CREDITS); `overdraft`: accepted, and what the balance does not cover is invoiced",
      ),
    lowBalanceThreshold: Minor.nullable()
      .optional()
      .describe("`credits.balance_low` fires when the balance falls under it; null = 10 % of the unexpired credit granted"),
  })
  .strict()
  .openapi("WalletSettingsInput");

export const AutoTopUpInput = z
  .object({
    threshold: PositiveMinor.describe("Top up when the available balance falls below this (minor units)"),
    amount: PositiveMinor.describe("Charged to the default payment method and granted once Stripe confirms it"),
    maxPerMonth: z.number().int().min(1).max(100).describe("At most this many top-ups per calendar month"),
  })
  .strict()
  .openapi("AutoTopUpInput");

const When = z.string().describe("ISO 8601");

export const WalletGrant = z
  .object({
    grantId: z.string(),
    currency: z.string(),
    amount: z.number().int(),
    remaining: z.number().int(),
    priority: z.number().int(),
    expiresAt: When.nullable(),
    expired: z.boolean(),
    appliesTo: z.array(z.string()).nullable(),
    reason: z.string(),
    source: z.enum(["operator", "subscription", "top_up", "carry_forward"]),
    subscriptionId: z.string().nullable(),
    invoiceId: z.string().nullable(),
    createdAt: When,
  })
  .openapi("WalletGrant");

export const Wallet = z
  .object({
    tenantId: z.string(),
    enabled: z.boolean().describe("Whether usage is debited in real time (the tenant has a wallet policy)"),
    policy: z.enum(["block", "overdraft"]).nullable(),
    lowBalanceThreshold: z.number().int().nullable(),
    autoTopUp: z
      .object({ threshold: z.number().int(), amount: z.number().int(), maxPerMonth: z.number().int(), active: z.boolean(), failure: z.string().nullable() })
      .nullable(),
    balances: z.array(z.object({ currency: z.string(), available: z.number().int(), held: z.number().int() })),
    grants: z.array(WalletGrant),
  })
  .openapi("Wallet");
export type Wallet = z.infer<typeof Wallet>;

export const WalletTransaction = z
  .object({
    id: z.string(),
    kind: z.enum(ENTRY_KINDS),
    amount: z.number().int().describe("Signed minor units: + to the grant, − from it"),
    currency: z.string(),
    grantId: z.string(),
    expiresAt: When.nullable(),
    reason: z.string(),
    eventId: z.string().nullable(),
    metric: z.string().nullable(),
    subscriptionId: z.string().nullable(),
    invoiceId: z.string().nullable(),
    createdAt: When,
  })
  .openapi("WalletTransaction");
export type WalletTransaction = z.infer<typeof WalletTransaction>;

export const GrantCreated = z.object({ grant: WalletGrant, wallet: Wallet }).openapi("WalletGrantCreated");

export const CreditBalances = z
  .object({
    tenantId: z.string(),
    balances: z.array(z.object({ currency: z.string(), balance: z.number().int() }).openapi("CreditBalance")).describe("Unexpired credit per currency"),
  })
  .openapi("CreditBalances");

export const CreditGrant = z
  .object({ tenantId: z.string(), currency: z.string(), balance: z.number().int(), movement: WalletTransaction })
  .openapi("CreditGrant");
export type CreditGrant = z.infer<typeof CreditGrant>;
