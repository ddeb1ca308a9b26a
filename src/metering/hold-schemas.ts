import { z } from "@hono/zod-openapi";
import { MetricName, Quantity, RecordedEvent } from "./schemas";

/** The longest a hold may last. */
export const MAX_HOLD_TTL_SECONDS = 3600;

const Id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/, "letters, digits, _ . : - (max 128)");
const Dimension = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[^\u0000-\u001f]*$/, "no control characters")
    .optional();

export const CreateHold = z
  .object({
    holdId: Id.describe("Your id for it (also the idempotency key: the same hold again answers the one there is)"),
    metric: MetricName,
    quantity: Quantity.refine((q) => q > 0, "must be positive"),
    ttlSeconds: z.number().int().min(1).max(MAX_HOLD_TTL_SECONDS).describe("It releases itself after this long unless committed"),
    projectId: Dimension(128),
    resource: Dimension(256),
    costCenterId: Dimension(128),
  })
  .strict()
  .openapi("CreateUsageHold");
export type CreateHold = z.infer<typeof CreateHold>;

export const CommitHold = z
  .object({
    quantity: Quantity.describe("The usage that happened: less than held releases the rest; more is admitted only as far as limits and the wallet allow"),
    eventId: z.string().min(1).max(128).optional().describe("The recorded event's id; default `hold:<holdId>`"),
  })
  .strict()
  .openapi("CommitUsageHold");

export const UsageHold = z
  .object({
    holdId: z.string(),
    status: z.enum(["open", "committed", "released", "expired"]),
    metric: z.string(),
    quantity: z.string().describe("Exact decimal held"),
    projectId: z.string().nullable(),
    resource: z.string().nullable(),
    costCenterId: z.string().nullable(),
    amount: z.number().int().describe("Minor units the wallet keeps for it (0 without a wallet, or when nothing prices it)"),
    currency: z.string().nullable(),
    createdAt: z.string(),
    expiresAt: z.string(),
    eventId: z.string().nullable(),
    committedQuantity: z.string().nullable(),
  })
  .openapi("UsageHold");

export const HoldCommitted = z
  .object({
    hold: UsageHold,
    event: RecordedEvent,
    committed: z.string().describe("The quantity recorded"),
    refused: z.string().describe('What the commit asked for above the hold that limits or the wallet refused ("0" when none)'),
    reason: z.string().optional().describe("Why the excess was refused: QUOTA_EXCEEDED or INSUFFICIENT_CREDITS"),
  })
  .openapi("UsageHoldCommitted");
