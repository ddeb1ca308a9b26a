import { z } from "@hono/zod-openapi";

export const Money = z.object({ amount: z.number().int().describe("Minor units"), currency: z.string() }).openapi("Money");

/** The figures every invoice (and preview) ends with, in the invoice's currency. */
const totals = {
  subtotal: Money,
  discounts: Money,
  tax: Money.extend({ rateBps: z.number().int() }),
  total: Money,
  creditsApplied: Money,
  amountDue: Money,
};

export const InvoiceStatus = z.enum(["draft", "open", "paid", "void", "uncollectible"]);

export const InvoiceLine = z
  .object({
    id: z.string(),
    kind: z.enum(["base", "usage", "proration", "discount", "credit", "tax"]),
    description: z.string(),
    meter: z.string().nullable(),
    quantity: z.string().describe("Exact decimal"),
    unitPrice: z
      .object({ amount: z.string().describe('Decimal minor units, e.g. "0.02"'), currency: z.string() })
      .describe("Price per unit before rounding; the line amount is rounded once, in the tenant's rounding mode"),
    amount: Money,
    periodStart: z.string(),
    periodEnd: z.string(),
  })
  .openapi("InvoiceLine");

export const Invoice = z
  .object({
    id: z.string(),
    tenantId: z.string(),
    subscriptionId: z.string().nullable(),
    number: z.string().nullable().describe("Assigned at finalization, gapless per tenant"),
    status: InvoiceStatus,
    currency: z.string(),
    periodStart: z.string(),
    periodEnd: z.string(),
    lines: z.array(InvoiceLine),
    ...totals,
    pdfUrl: z.string().nullable(),
    createdAt: z.string(),
    finalizedAt: z.string().nullable(),
    dueAt: z.string().nullable(),
    paidAt: z.string().nullable(),
    voidedAt: z.string().nullable(),
  })
  .openapi("Invoice");
export type Invoice = z.infer<typeof Invoice>;

const Timestamp = z.iso.datetime({ offset: true }).or(z.iso.date());

export const ListInvoicesQuery = z.object({
  status: InvoiceStatus.optional(),
  from: Timestamp.optional().describe("Periods starting at or after"),
  to: Timestamp.optional().describe("Periods starting before"),
});

export const GenerateInvoice = z
  .object({
    subscriptionId: z.string().min(1).max(64).optional().describe("Default: the tenant's active subscription"),
    periodStart: Timestamp.optional().describe("Default: the last ended period"),
  })
  .strict()
  .openapi("GenerateInvoice");
export type GenerateInvoice = z.infer<typeof GenerateInvoice>;

const PreviewLine = InvoiceLine.omit({ id: true });

export const InvoicePreview = z
  .object({
    tenantId: z.string(),
    subscriptionId: z.string(),
    currency: z.string(),
    periodStart: z.string(),
    periodEnd: z.string(),
    asOf: z.string().describe("Figures as of this moment"),
    lines: z.array(PreviewLine),
    ...totals,
    creditBalance: Money,
  })
  .openapi("InvoicePreview");

export const InvoiceEstimate = z
  .object({
    method: z.literal("linear"),
    explanation: z.string(),
    asOf: z.string(),
    periodStart: z.string(),
    periodEnd: z.string(),
    elapsedMs: z.number(),
    periodMs: z.number(),
    meters: z.array(
      z.object({
        metric: z.string(),
        billableSoFar: z.string(),
        amountSoFar: Money,
        projectedBillable: z.string(),
        projectedAmount: Money,
      }),
    ),
    current: InvoicePreview,
    projected: InvoicePreview,
  })
  .openapi("InvoiceEstimate");

export const PreviewQuery = z.object({
  at: Timestamp.optional().describe("Preview as of this moment (default now) in the current or an ended, not yet finalized period"),
});
