import type { z } from "@hono/zod-openapi";
import type { EntitlementCheck, FeatureEntitlement, TenantEntitlements } from "../entitlements/schemas";
import type { Invoice, InvoicePreview } from "../invoices/schemas";
import type { BatchAccepted, RecordedEvent, UsageBatchInput, UsageEventInput } from "../metering/schemas";
import type { ChangePlan, CreateSubscription, Subscription, SubscriptionChange } from "../subscriptions/schemas";
import type { AdvanceTestClock, CreateTestClock, TestClock } from "../test-clocks/schemas";

// Request and response examples for the OpenAPI document's main operations. They tell one
// story, taken from a real run of the API: tenant `acme` lives on a test clock set to 1 March
// 2027, subscribes to `pro`, records usage, upgrades to the metered `scale` plan on 10 March
// (prorated), and gets March's invoice when the clock passes 1 April. The types tie each
// example to its schema, and the OpenAPI linters (scripts/lint-openapi.mjs) check them too.

const SUBSCRIPTION_ID = "sub_01kbz3q2x8a7m4c9d2e5f6g7h8";
const INVOICE_ID = "inv_01kbz3q7m2d4r8t1v6w9x3y5za";
const CLOCK_ID = "clk_01kbz3q2x8a7m4c9d2e5f6g7h8";
const PERIOD = { periodStart: "2027-03-01T00:00:00.000Z", periodEnd: "2027-04-01T00:00:00.000Z" };
const usd = (amount: number) => ({ amount, currency: "USD" });

export const RECORD_USAGE_REQUEST = {
  eventId: "req_8f14e45f",
  metric: "llmTokens",
  quantity: 1500,
  timestamp: "2027-03-04T10:15:00Z",
  projectId: "proj_web",
  resource: "gpt-4o",
  costCenterId: "cc_research",
  properties: { userId: "u_42" },
} satisfies z.input<typeof UsageEventInput>;

export const RECORD_USAGE_RESPONSE = {
  eventId: "req_8f14e45f",
  status: "accepted",
  total: { metric: "llmTokens", aggregation: "sum", quantity: "251500", ...PERIOD },
  quotas: [
    {
      quotaId: `plan:${SUBSCRIPTION_ID}:llmTokens`,
      metric: "llmTokens",
      source: "plan",
      subscriptionId: SUBSCRIPTION_ID,
      period: "billing_period",
      enforcement: "hard",
      limit: 1000000,
      current: 251500,
      remaining: 748500,
      resetsAt: "2027-04-01T00:00:00.000Z",
      exceeded: false,
    },
  ],
} satisfies z.infer<typeof RecordedEvent>;

export const RECORD_USAGE_BATCH_REQUEST = {
  events: [
    { eventId: "evt_0001", metric: "apiCalls", quantity: 1, projectId: "proj_web", resource: "GET /v1/search" },
    { eventId: "evt_0002", metric: "llmTokens", quantity: 820, projectId: "proj_web", resource: "gpt-4o" },
    { eventId: "evt_0003", metric: "storage", quantity: 1073741824, timestamp: "2027-03-04T10:00:00Z" },
  ],
} satisfies z.input<typeof UsageBatchInput>;

export const RECORD_USAGE_BATCH_RESPONSE = {
  batchId: "batch_b7a6cc15-d07a-4d02-b5ae-57350f3ff7e1",
  accepted: 3,
} satisfies z.infer<typeof BatchAccepted>;

export const CREATE_SUBSCRIPTION_REQUEST = { planId: "pro", trial: false } satisfies z.input<typeof CreateSubscription>;

export const SUBSCRIPTION = {
  id: SUBSCRIPTION_ID,
  tenantId: "acme",
  projectId: null,
  productId: null,
  planId: "pro",
  status: "active",
  currency: "USD",
  currentPeriodStart: PERIOD.periodStart,
  currentPeriodEnd: PERIOD.periodEnd,
  billingCycleAnchor: PERIOD.periodStart,
  trialStart: null,
  trialEnd: null,
  cancelAtPeriodEnd: false,
  cancelAt: null,
  canceledAt: null,
  endedAt: null,
  pausedAt: null,
  resumesAt: null,
  scheduledChange: null,
  discounts: [],
  reactivatedFrom: null,
  createdAt: PERIOD.periodStart,
  updatedAt: PERIOD.periodStart,
} satisfies z.infer<typeof Subscription>;

export const CHANGE_PLAN_REQUEST = { planId: "scale", prorate: true, at: "now" } satisfies z.input<typeof ChangePlan>;

export const CHANGE_PLAN_RESPONSE = {
  ...SUBSCRIPTION,
  planId: "scale",
  updatedAt: "2027-03-10T00:00:00.000Z",
  prorations: [
    {
      description: "Unused time on Pro from 2027-03-10",
      amount: -3477,
      currency: "USD",
      planId: "pro",
      periodStart: "2027-03-10T00:00:00.000Z",
      periodEnd: PERIOD.periodEnd,
    },
    {
      description: "Remaining time on Scale from 2027-03-10",
      amount: 7026,
      currency: "USD",
      planId: "scale",
      periodStart: "2027-03-10T00:00:00.000Z",
      periodEnd: PERIOD.periodEnd,
    },
  ],
} satisfies z.infer<typeof SubscriptionChange>;

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

export const CREATE_TEST_CLOCK_REQUEST = { name: "March renewals", frozenTime: "2027-03-01T00:00:00Z" } satisfies z.input<typeof CreateTestClock>;

export const TEST_CLOCK = {
  id: CLOCK_ID,
  name: "March renewals",
  frozenTime: "2027-03-01T00:00:00.000Z",
  status: "ready",
  advancingTo: null,
  failure: null,
  tenants: [],
  createdAt: "2026-12-01T09:30:00.000Z",
  updatedAt: "2026-12-01T09:30:00.000Z",
} satisfies z.infer<typeof TestClock>;

export const ADVANCE_TEST_CLOCK_REQUEST = { frozenTime: "2027-04-01T12:00:00Z" } satisfies z.input<typeof AdvanceTestClock>;

export const ADVANCING_TEST_CLOCK = {
  ...TEST_CLOCK,
  frozenTime: "2027-03-10T00:00:00.000Z",
  status: "advancing",
  advancingTo: "2027-04-01T12:00:00.000Z",
  tenants: ["acme"],
  updatedAt: "2026-12-01T09:41:12.000Z",
} satisfies z.infer<typeof TestClock>;

// acme's entitlements on 4 March, on pro (after the usage above).
const PRO_FEATURES = {
  sso: { key: "sso", type: "boolean", enabled: true, value: true },
  llmTokens: { key: "llmTokens", type: "metered", enabled: true, limit: 1000000, used: 251500, remaining: 748500, resetsAt: PERIOD.periodEnd },
} satisfies Record<string, z.infer<typeof FeatureEntitlement>>;

export const ENTITLEMENTS = {
  tenantId: "acme",
  planId: "pro",
  subscriptionId: SUBSCRIPTION_ID,
  features: [
    PRO_FEATURES.sso,
    { key: "auditLog", type: "boolean", enabled: false, value: false },
    { key: "support", type: "static", enabled: true, value: "email" },
    { key: "seats", type: "static", enabled: true, value: 10 },
    { key: "apiCalls", type: "metered", enabled: true, limit: 100000, used: 1, remaining: 99999, resetsAt: PERIOD.periodEnd },
    PRO_FEATURES.llmTokens,
    { key: "storage", type: "metered", enabled: true, limit: 10737418240, used: 1073741824, remaining: 9663676416, resetsAt: PERIOD.periodEnd },
  ],
  wallet: { policy: "block", balances: [{ currency: "USD", available: 4250, held: 300 }] },
} satisfies z.infer<typeof TenantEntitlements>;

/** `GET …/entitlements/llmTokens?quantity=2000`. */
export const ENTITLEMENT_CHECK = { allowed: true, ...PRO_FEATURES.llmTokens } satisfies z.infer<typeof EntitlementCheck>;
