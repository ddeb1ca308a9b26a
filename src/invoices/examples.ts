import type { z } from "@hono/zod-openapi";
import { INVOICE_ID, PERIOD, SUBSCRIPTION_ID, usd } from "../docs/story";
import type { Invoice, InvoicePreview } from "./schemas";

// Examples for the OpenAPI document (the story: src/docs/story.ts).

/** March on acme: pro's fee to the 10th, scale's from then, and the API calls over scale's 100,000 included. */
const MARCH_LINES = [
  {
    kind: "base",
    description: "Pro (2027-03-01 – 2027-03-10)",
    meter: null,
    quantity: "1",
    unitPrice: { amount: "1423", currency: "USD" },
    amount: usd(1423),
    periodStart: PERIOD.periodStart,
    periodEnd: "2027-03-10T00:00:00.000Z",
  },
  {
    kind: "base",
    description: "Scale (2027-03-10 – 2027-04-01)",
    meter: null,
    quantity: "1",
    unitPrice: { amount: "7026", currency: "USD" },
    amount: usd(7026),
    periodStart: "2027-03-10T00:00:00.000Z",
    periodEnd: PERIOD.periodEnd,
  },
  {
    kind: "usage",
    description: "apiCalls: 250000 used, 100000 included (Scale, 2027-03-10 – 2027-04-01)",
    meter: "apiCalls",
    quantity: "150000",
    unitPrice: { amount: "0.01", currency: "USD" },
    amount: usd(1500),
    periodStart: "2027-03-10T00:00:00.000Z",
    periodEnd: PERIOD.periodEnd,
  },
] as const;

const MARCH_TOTALS = {
  subtotal: usd(9949),
  discounts: usd(0),
  tax: { ...usd(0), rateBps: 0 },
  total: usd(9949),
  creditsApplied: usd(0),
  amountDue: usd(9949),
};

export const BILLING_PREVIEW = {
  tenantId: "acme",
  subscriptionId: SUBSCRIPTION_ID,
  currency: "USD",
  ...PERIOD,
  asOf: "2027-03-20T00:00:00.000Z",
  lines: MARCH_LINES.map((line) => ({ ...line })),
  ...MARCH_TOTALS,
  creditBalance: usd(0),
} satisfies z.infer<typeof InvoicePreview>;

export const INVOICE = {
  id: INVOICE_ID,
  tenantId: "acme",
  subscriptionId: SUBSCRIPTION_ID,
  number: "INV-2027-000001",
  status: "open",
  currency: "USD",
  ...PERIOD,
  lines: MARCH_LINES.map((line, i) => ({ id: `il_01kbz3q7m2d4r8t1v6w9x3y5z${i}`, ...line })),
  ...MARCH_TOTALS,
  pdfUrl: `/api/v1/billing/invoices/${INVOICE_ID}/pdf`,
  createdAt: "2027-04-01T00:00:00.000Z",
  finalizedAt: "2027-04-01T00:00:00.000Z",
  dueAt: "2027-05-01T00:00:00.000Z",
  paidAt: null,
  voidedAt: null,
} satisfies z.infer<typeof Invoice>;
