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
export type PlanFeature =
  | { key: string; type: "boolean"; value: boolean }
  | { key: string; type: "static"; value: string | number }
  | { key: string; type: "metered"; metric: string };
export interface Plan {
  id: string;
  name: string;
  description: string | null;
  currency: string;
  basePrice: number;
  interval: "month" | "year";
  trialDays: number;
  trialUsage?: "free" | "billed";
  active: boolean;
  meters: PlanMeter[];
  features?: PlanFeature[];
  /** The version these fields are (a plan edit writes a new one). */
  version?: number;
  createdAt?: string;
  updatedAt?: string;
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

export type WalletPolicy = "block" | "overdraft";
export interface WalletBalance {
  currency: string;
  /** Unexpired credit less what open holds reserve. */
  available: number;
  held: number;
}
export interface WalletGrant {
  grantId: string;
  currency: string;
  amount: number;
  remaining: number;
  priority: number;
  expiresAt: string | null;
  expired: boolean;
  appliesTo: string[] | null;
  reason: string;
  source: "operator" | "subscription" | "top_up" | "carry_forward";
  subscriptionId: string | null;
  invoiceId: string | null;
  createdAt: string;
}
export interface Wallet {
  tenantId: string;
  enabled: boolean;
  policy: WalletPolicy | null;
  lowBalanceThreshold: number | null;
  autoTopUp: { threshold: number; amount: number; maxPerMonth: number; active: boolean; failure: string | null } | null;
  balances: WalletBalance[];
  grants: WalletGrant[];
}
export type WalletTransactionKind = "grant" | "usage" | "usage_reversal" | "consumption" | "settlement_refund" | "settlement_reversal" | "restore";
export interface WalletTransaction {
  id: string;
  kind: WalletTransactionKind;
  /** Signed minor units: + to the grant, − from it. */
  amount: number;
  currency: string;
  grantId: string;
  expiresAt: string | null;
  reason: string;
  eventId: string | null;
  metric: string | null;
  subscriptionId: string | null;
  invoiceId: string | null;
  createdAt: string;
}
export interface UsageHold {
  holdId: string;
  status: "open" | "committed" | "released" | "expired";
  metric: string;
  quantity: string;
  projectId: string | null;
  resource: string | null;
  costCenterId: string | null;
  amount: number;
  currency: string | null;
  createdAt: string;
  expiresAt: string;
  eventId: string | null;
  committedQuantity: string | null;
}

export interface FeatureEntitlement {
  key: string;
  type: "boolean" | "static" | "metered";
  enabled: boolean;
  value?: boolean | string | number;
  limit?: number | null;
  used?: number;
  remaining?: number | null;
  resetsAt?: string | null;
}
export interface TenantEntitlements {
  tenantId: string;
  planId: string | null;
  subscriptionId: string | null;
  features: FeatureEntitlement[];
  wallet: { policy: WalletPolicy | null; balances: WalletBalance[] };
}

export interface WebhookEndpoint {
  id: string;
  tenantId: string;
  url: string;
  description: string | null;
  events: string[];
  enabled: boolean;
  disabledReason: string | null;
  source: "api" | "alert";
  failingSince: string | null;
  previousSecretExpiresAt: string | null;
  createdAt: string;
  updatedAt: string;
}
export interface WebhookDelivery {
  id: string;
  eventId: string;
  eventType: string;
  attempt: number;
  status: "succeeded" | "failed";
  responseStatus: number | null;
  responseBody: string | null;
  error: string | null;
  durationMs: number;
  attemptedAt: string;
  nextAttemptAt: string | null;
}
export interface WebhookEvent {
  id: string;
  type: string;
  tenantId: string;
  timestamp: string;
  data: unknown;
}
