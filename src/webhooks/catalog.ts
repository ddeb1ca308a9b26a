import { z, type OpenAPIHono } from "@hono/zod-openapi";
import { Alert } from "../alerts/schemas";
import { Subscription } from "../subscriptions/schemas";

/**
 * Every event an endpoint can subscribe to, with the schema of its `data`. The body of a
 * delivery is `{type, timestamp, data}` (Standard Webhooks' recommended shape); the event id
 * travels in the `webhook-id` header and is the same on every attempt.
 */

const Instant = z.string().describe("ISO 8601, UTC");

export const InvoiceSummary = z
  .object({
    id: z.string(),
    tenantId: z.string(),
    subscriptionId: z.string().nullable(),
    number: z.string().nullable().describe("Set at finalization"),
    status: z.enum(["draft", "open", "paid", "void", "uncollectible"]),
    currency: z.string(),
    periodStart: Instant,
    periodEnd: Instant,
    subtotal: z.number().int().describe("Minor units, as every amount here"),
    discountTotal: z.number().int(),
    taxAmount: z.number().int(),
    total: z.number().int(),
    creditsApplied: z.number().int(),
    amountDue: z.number().int(),
    finalizedAt: Instant.nullable(),
    dueAt: Instant.nullable(),
    paidAt: Instant.nullable(),
    voidedAt: Instant.nullable(),
  })
  .openapi("WebhookInvoice");

const InvoiceData = z.object({ invoice: InvoiceSummary });
const PaymentFailedData = z.object({
  invoice: InvoiceSummary,
  payment: z.object({
    paymentIntentId: z.string().nullable(),
    code: z.string().nullable().describe("Stripe's last_payment_error.code"),
    declineCode: z.string().nullable(),
  }),
});

export const SubscriptionSnapshot = Subscription.omit({ discounts: true }).openapi("WebhookSubscription");
const SubscriptionData = z.object({ subscription: SubscriptionSnapshot });
const SubscriptionUpdatedData = z.object({
  subscription: SubscriptionSnapshot,
  previousAttributes: z.record(z.string(), z.unknown()).describe("The changed fields, with their values before the change"),
});
const TrialWillEndData = z.object({ subscription: SubscriptionSnapshot, trialEnd: Instant });

const AlertData = z.object({ alert: Alert });
const QuotaData = z.object({
  quota: z.object({
    quotaId: z.string(),
    metric: z.string(),
    period: z.string(),
    limit: z.number(),
    current: z.number(),
    resetsAt: Instant,
  }),
  projectId: z.string().nullable(),
});
const CreditsLowData = z.object({
  currency: z.string(),
  balance: z.number().int().describe("Minor units left"),
  threshold: z.number().int().describe("Minor units under which this fires"),
});
const CreditsDepletedData = z.object({ currency: z.string(), balance: z.number().int().describe("Minor units left (0, or less while holds reserve more)") });
const TopUpData = z.object({
  topUpId: z.string(),
  currency: z.string(),
  amount: z.number().int().describe("Minor units charged and, once paid, granted"),
  failure: z.string().optional(),
});
const SpendSyncData = z.object({
  job: z.object({
    id: z.string(),
    provider: z.string(),
    status: z.enum(["completed", "failed"]),
    trigger: z.string(),
    itemsCreated: z.number().int(),
    itemsUpdated: z.number().int(),
    error: z.string().nullable(),
    startedAt: Instant,
    completedAt: Instant,
  }),
});
const EndpointDisabledData = z.object({
  endpoint: z.object({ id: z.string(), url: z.string() }),
  reason: z.string(),
  failingSince: Instant,
});

export const EVENT_CATALOG = {
  "invoice.created": { data: InvoiceData, summary: "A draft invoice was created for a closed period" },
  "invoice.finalized": { data: InvoiceData, summary: "An invoice was numbered and frozen (open, or paid when nothing is due)" },
  "invoice.paid": { data: InvoiceData, summary: "An invoice was paid" },
  "invoice.payment_failed": { data: PaymentFailedData, summary: "A payment attempt for an invoice failed" },
  "invoice.voided": { data: InvoiceData, summary: "An open invoice was voided" },
  "subscription.created": { data: SubscriptionData, summary: "A subscription was created (or reactivated as a new one)" },
  "subscription.updated": {
    data: SubscriptionUpdatedData,
    summary: "A subscription changed: plan change (now or scheduled), pause, resume, cancellation scheduled or withdrawn, past due, renewal",
  },
  "subscription.canceled": { data: SubscriptionData, summary: "A subscription ended" },
  "subscription.trial_will_end": { data: TrialWillEndData, summary: "A trial ends in three days (once per trial)" },
  "usage.alert.triggered": { data: AlertData, summary: "A usage or cost alert reached its threshold (once per alert window)" },
  "quota.exceeded": { data: QuotaData, summary: "A hard quota refused usage for the first time in its period" },
  "credits.balance_low": { data: CreditsLowData, summary: "The tenant's credit balance in a currency fell under the threshold" },
  "credits.depleted": { data: CreditsDepletedData, summary: "The tenant's credit balance in a currency reached zero" },
  "credits.top_up.succeeded": { data: TopUpData, summary: "An automatic top-up was paid and its credit granted" },
  "credits.top_up.failed": { data: TopUpData, summary: "An automatic top-up charge failed; auto top-up is off until its settings are saved again" },
  "spend.sync.completed": { data: SpendSyncData, summary: "A provider spend sync completed" },
  "spend.sync.failed": { data: SpendSyncData, summary: "A provider spend sync failed" },
  "webhook.endpoint.disabled": { data: EndpointDisabledData, summary: "An endpoint was disabled after failing every attempt for five days" },
} as const;

export type EventType = keyof typeof EVENT_CATALOG;
export const EVENT_TYPES = Object.keys(EVENT_CATALOG) as EventType[];
export const EventTypeSchema = z.enum(EVENT_TYPES as [EventType, ...EventType[]]);
export type EventData<T extends EventType> = z.infer<(typeof EVENT_CATALOG)[T]["data"]>;

/** The body every delivery carries. */
export const eventBody = <T extends z.ZodType>(type: string, data: T) =>
  z.object({ type: z.literal(type), timestamp: Instant.describe("When the event happened"), data });

const signatureHeaders = z.object({
  "webhook-id": z.string().describe("The event id (evt_…): the same on every attempt; deduplicate on it"),
  "webhook-timestamp": z.string().describe("Unix seconds of this attempt"),
  "webhook-signature": z.string().describe("Space-separated `v1,<base64 HMAC-SHA256 of id.timestamp.body>`, one per valid secret (two during a rotation)"),
});

/** `invoice.payment_failed` → `receiveInvoicePaymentFailedEvent`: what a receiver implements. */
const webhookOperationId = (type: string) =>
  `receive${type
    .split(/[._]/)
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join("")}Event`;

/** Puts the catalog in the OpenAPI document's `webhooks` section. */
export function registerEventCatalog(registry: OpenAPIHono["openAPIRegistry"]): void {
  for (const type of EVENT_TYPES) {
    const entry = EVENT_CATALOG[type];
    registry.registerWebhook({
      method: "post",
      path: type,
      operationId: webhookOperationId(type),
      summary: entry.summary,
      description:
        `Sent to every enabled endpoint of the tenant subscribed to \`${type}\` (or to \`*\`), through the outbox after the change commits: at least once, in order per endpoint, 5 s per attempt, retried for about 3 days. ` +
        "Verify `webhook-signature` with the endpoint's secret (Standard Webhooks 1.0) and deduplicate on `webhook-id`.",
      tags: ["Webhook events"],
      // Authenticated by its signature headers, not by a token.
      security: [],
      request: {
        headers: signatureHeaders,
        body: { required: true, content: { "application/json": { schema: eventBody(type, entry.data) } } },
      },
      responses: {
        200: { description: "Any 2xx acknowledges the event; anything else (or no answer within 5 s) is retried" },
      },
    });
  }
}
