import { z, type OpenAPIHono } from "@hono/zod-openapi";

/**
 * Every event an endpoint can subscribe to, with the schema of its `data`. The body of a
 * delivery is `{type, timestamp, data}` (Standard Webhooks' recommended shape); the event id
 * travels in the `webhook-id` header and is the same on every attempt.
 *
 * Events whose data is the webhooks module's own shape are declared here. Those whose data is
 * another module's resource (a subscription, an alert) are declared by that module: it adds
 * their type to `EventDataMap` (TypeScript declaration merging, as Hono's ContextVariableMap)
 * and hands their schemas to `registerEventCatalog` from src/app.ts. So every producer imports
 * webhooks and webhooks imports none of them, and every emitted event is type-checked against
 * its data all the same.
 */

/** An instant in an event's data (events carry it as a string, whatever produced them). */
export const EventInstant = z.string().describe("ISO 8601, UTC");

export const InvoiceSummary = z
  .object({
    id: z.string(),
    tenantId: z.string(),
    subscriptionId: z.string().nullable(),
    number: z.string().nullable().describe("Set at finalization"),
    status: z.enum(["draft", "open", "paid", "void", "uncollectible"]),
    currency: z.string(),
    periodStart: EventInstant,
    periodEnd: EventInstant,
    subtotal: z.number().int().describe("Minor units, as every amount here"),
    discountTotal: z.number().int(),
    taxAmount: z.number().int(),
    total: z.number().int(),
    creditsApplied: z.number().int(),
    amountDue: z.number().int(),
    finalizedAt: EventInstant.nullable(),
    dueAt: EventInstant.nullable(),
    paidAt: EventInstant.nullable(),
    voidedAt: EventInstant.nullable(),
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

const QuotaData = z.object({
  quota: z.object({
    quotaId: z.string(),
    metric: z.string(),
    period: z.string(),
    limit: z.number(),
    current: z.number(),
    resetsAt: EventInstant,
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
    startedAt: EventInstant,
    completedAt: EventInstant,
  }),
});
const EndpointDisabledData = z.object({
  endpoint: z.object({ id: z.string(), url: z.string() }),
  reason: z.string(),
  failingSince: EventInstant,
});

/** What each event means (every type, the produced ones too: the compiler holds the list complete). */
const SUMMARIES: Record<EventType, string> = {
  "invoice.created": "A draft invoice was created for a closed period",
  "invoice.finalized": "An invoice was numbered and frozen (open, or paid when nothing is due)",
  "invoice.paid": "An invoice was paid",
  "invoice.payment_failed": "A payment attempt for an invoice failed",
  "invoice.voided": "An open invoice was voided",
  "subscription.created": "A subscription was created (or reactivated as a new one)",
  "subscription.updated": "A subscription changed: plan change (now or scheduled), pause, resume, cancellation scheduled or withdrawn, past due, renewal",
  "subscription.canceled": "A subscription ended",
  "subscription.trial_will_end": "A trial ends in three days (once per trial)",
  "usage.alert.triggered": "A usage or cost alert reached its threshold (once per alert window)",
  "quota.exceeded": "A hard quota refused usage for the first time in its period",
  "credits.balance_low": "The tenant's credit balance in a currency fell under the threshold",
  "credits.depleted": "The tenant's credit balance in a currency reached zero",
  "credits.top_up.succeeded": "An automatic top-up was paid and its credit granted",
  "credits.top_up.failed": "An automatic top-up charge failed; auto top-up is off until its settings are saved again",
  "spend.sync.completed": "A provider spend sync completed",
  "spend.sync.failed": "A provider spend sync failed",
  "webhook.endpoint.disabled": "An endpoint was disabled after failing every attempt for five days",
};

/** The data of the events whose shape this module owns. */
const OWN_DATA = {
  "invoice.created": InvoiceData,
  "invoice.finalized": InvoiceData,
  "invoice.paid": InvoiceData,
  "invoice.payment_failed": PaymentFailedData,
  "invoice.voided": InvoiceData,
  "quota.exceeded": QuotaData,
  "credits.balance_low": CreditsLowData,
  "credits.depleted": CreditsDepletedData,
  "credits.top_up.succeeded": TopUpData,
  "credits.top_up.failed": TopUpData,
  "spend.sync.completed": SpendSyncData,
  "spend.sync.failed": SpendSyncData,
  "webhook.endpoint.disabled": EndpointDisabledData,
};
type OwnEventType = keyof typeof OWN_DATA;
type OwnEventData = { [T in OwnEventType]: z.infer<(typeof OWN_DATA)[T]> };

/** The `data` of every event type; producing modules add theirs (see above). */
export interface EventDataMap extends OwnEventData {}

export type EventType = keyof EventDataMap;
export type EventData<T extends EventType> = EventDataMap[T];
/** The data schemas of the events other modules produce, one per type. */
export type ProducedEventData = { [T in Exclude<EventType, OwnEventType>]: z.ZodType<EventDataMap[T]> };

export const EVENT_TYPES = Object.keys(SUMMARIES) as EventType[];
export const EventTypeSchema = z.enum(EVENT_TYPES as [EventType, ...EventType[]]);

/** The body every delivery carries. */
export const eventBody = <T extends z.ZodType>(type: string, data: T) =>
  z.object({ type: z.literal(type), timestamp: EventInstant.describe("When the event happened"), data });

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
export function registerEventCatalog(registry: OpenAPIHono["openAPIRegistry"], produced: ProducedEventData): void {
  const data: Record<EventType, z.ZodType> = { ...OWN_DATA, ...produced };
  for (const type of EVENT_TYPES) {
    registry.registerWebhook({
      method: "post",
      path: type,
      operationId: webhookOperationId(type),
      summary: SUMMARIES[type],
      description:
        `Sent to every enabled endpoint of the tenant subscribed to \`${type}\` (or to \`*\`), through the outbox after the change commits: at least once, in order per endpoint, 5 s per attempt, retried for about 3 days. ` +
        "Verify `webhook-signature` with the endpoint's secret (Standard Webhooks 1.0) and deduplicate on `webhook-id`.",
      tags: ["Webhook events"],
      // Authenticated by its signature headers, not by a token.
      security: [],
      request: {
        headers: signatureHeaders,
        body: { required: true, content: { "application/json": { schema: eventBody(type, data[type]) } } },
      },
      responses: {
        200: { description: "Any 2xx acknowledges the event; anything else (or no answer within 5 s) is retried" },
      },
    });
  }
}
