// The API shapes the console reads (see the OpenAPI document at /api/v1/billing/openapi.json).

export interface Money {
  amount: number;
  currency: string;
}
export interface Amount {
  amount: number;
  currency: string | null;
}

export interface PlanMeter {
  metric: string;
  aggregation: string;
  includedQuantity: number;
  limit: number | null;
  enforcement: "hard" | "soft";
  price: unknown;
}
export interface Plan {
  id: string;
  name: string;
  description: string | null;
  currency: string;
  basePrice: number;
  interval: "month" | "year";
  trialDays: number;
  active: boolean;
  meters: PlanMeter[];
}

/** What a plan change or cancel does to the period's base fee (the invoice bills the same split). */
export interface Proration {
  description: string;
  amount: number;
  currency: string;
  planId: string;
  periodStart: string;
  periodEnd: string;
}
export interface Subscription {
  id: string;
  tenantId: string;
  projectId: string | null;
  planId: string;
  status: "trialing" | "active" | "paused" | "past_due" | "canceled";
  currency: string;
  currentPeriodStart: string;
  currentPeriodEnd: string;
  trialEnd: string | null;
  cancelAtPeriodEnd: boolean;
  cancelAt: string | null;
  pausedAt: string | null;
  resumesAt: string | null;
  scheduledChange: { planId: string; at: string } | null;
  discounts: { id: string; description: string }[];
}
export interface SubscriptionChange extends Subscription {
  prorations: Proration[];
}

export interface Quota {
  id: string;
  metric: string;
  limit: number;
  period: string;
  enforcement: "hard" | "soft";
  source: "plan" | "tenant" | "operator";
  subscriptionId: string | null;
  usage: { current: number; remaining: number; resetsAt: string; exceeded: boolean } | null;
}

export interface UsageSummary {
  from: string;
  to: string;
  items: { metric: string; aggregation: string; key: string; quantity: string; events: number; rejected: number }[];
}

export interface InvoiceLine {
  id?: string;
  kind: string;
  description: string;
  meter: string | null;
  quantity: string;
  unitPrice: { amount: string; currency: string };
  amount: Money;
}
export interface Invoice {
  id: string;
  number: string | null;
  status: "draft" | "open" | "paid" | "void" | "uncollectible";
  currency: string;
  periodStart: string;
  periodEnd: string;
  lines: InvoiceLine[];
  subtotal: Money;
  discounts: Money;
  tax: Money & { rateBps: number };
  total: Money;
  creditsApplied: Money;
  amountDue: Money;
  createdAt: string;
  finalizedAt: string | null;
  dueAt: string | null;
  paidAt: string | null;
}
export interface InvoicePreview extends Omit<Invoice, "id" | "number" | "status" | "createdAt" | "finalizedAt" | "dueAt" | "paidAt"> {
  asOf: string;
}
export interface Estimate {
  explanation: string;
  current: InvoicePreview;
  projected: InvoicePreview;
  meters: { metric: string; billableSoFar: string; amountSoFar: Money; projectedBillable: string; projectedAmount: Money }[];
}

export interface CurrentCost {
  subscription: { id: string; planId: string; status: string } | null;
  note: string | null;
  currency: string | null;
  periodStart: string;
  periodEnd: string;
  asOf: string;
  baseFee: Amount;
  prorations: Amount;
  usage: { metric: string; quantity: string; billableQuantity: string; amount: Amount }[];
  usageTotal: Amount;
  discounts: Amount;
  tax: Amount & { rateBps: number };
  total: Amount;
}
export interface CostTimeline {
  currency: string | null;
  buckets: { start: string; end: string; amount: Amount }[];
  total: Amount;
}
export interface CostByResource {
  currency: string | null;
  groupBy: string;
  items: { key: string | null; amount: Amount; meters: { metric: string; quantity: string; amount: Amount }[] }[];
  total: Amount;
  allocation: string;
}

export interface Alert {
  id: string;
  name: string | null;
  type: "cost" | "usage";
  metric: string | null;
  threshold: number;
  period: string;
  state: "ok" | "triggered" | "dismissed";
  triggeredAt: string | null;
  lastValue: number | null;
}

export interface PaymentMethod {
  id: string;
  payment_type: string;
  default: boolean;
  brand: string | null;
  last4: string | null;
  exp_month: number | null;
  exp_year: number | null;
}

export interface TenantOverview {
  id: string;
  name: string | null;
  currency: string;
  testClock: { id: string; frozenTime: string } | null;
  subscription: { id: string; planId: string; status: string; currentPeriodStart: string; currentPeriodEnd: string } | null;
  periodToDate: Money | null;
}

export interface Coupon {
  id: string;
  code: string;
  name: string | null;
  percentOff: number | null;
  amountOff: number | null;
  currency: string | null;
  duration: string;
  durationInMonths: number | null;
  maxRedemptions: number | null;
  timesRedeemed: number;
  redeemBy: string | null;
  active: boolean;
  valid: boolean;
}

export interface SpendPoint {
  date: string;
  amount: number;
  count: number;
}
export interface SpendGroup {
  key: string;
  amount: number;
  count: number;
  percentage: number;
}
export interface SpendItem {
  id: string;
  name: string;
  amount: number;
  currency: string;
  provider: string;
  service: string | null;
  category: string | null;
  tags: string[];
  date: string;
  tenantId: string;
  score?: number;
}
export interface SyncJob {
  id: string;
  tenantId: string;
  provider: string;
  status: string;
  trigger: string;
  from: string;
  to: string;
  itemsCreated: number;
  itemsUpdated: number;
  itemsUnchanged: number;
  startedAt: string;
  completedAt: string | null;
  error: string | null;
}
