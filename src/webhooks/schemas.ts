import { z } from "@hono/zod-openapi";
import { Instant } from "../http/fields";
import { EventTypeSchema } from "./catalog";

export const EndpointId = z.string().min(1).max(64).openapi({ example: "whe_3f9a0c1e2d4b5a6978877665" });
export const EventId = z.string().min(1).max(64).openapi({ example: "evt_3f9a0c1e2d4b5a6978877665" });

const Url = z
  .url({ protocol: /^https?$/ })
  .max(2048)
  .openapi({
    description: "https (http only for a loopback receiver in development); no private, link-local or metadata addresses",
    example: "https://example.com/hooks/billing",
  });

const Events = z
  .array(z.union([EventTypeSchema, z.literal("*")]))
  .min(1)
  .max(50)
  .refine((list) => new Set(list).size === list.length, "lists an event type twice")
  .openapi({ description: 'Event types to receive, or ["*"] for all', example: ["invoice.paid", "subscription.updated"] });

export const CreateEndpoint = z
  .object({
    url: Url,
    events: Events,
    description: z.string().max(500).optional(),
    enabled: z.boolean().optional().describe("Default true"),
  })
  .strict()
  .openapi("CreateWebhookEndpoint");
export type CreateEndpoint = z.infer<typeof CreateEndpoint>;

export const UpdateEndpoint = z
  .object({
    url: Url.optional(),
    events: Events.optional(),
    description: z.string().max(500).nullable().optional(),
    enabled: z.boolean().optional().describe("true re-enables an endpoint that was disabled after failing"),
  })
  .strict()
  .refine((u) => Object.keys(u).length > 0, "give at least one field to change")
  .openapi("UpdateWebhookEndpoint");
export type UpdateEndpoint = z.infer<typeof UpdateEndpoint>;

export const Endpoint = z
  .object({
    id: z.string(),
    tenantId: z.string(),
    url: z.string(),
    description: z.string().nullable(),
    events: z.array(z.string()),
    enabled: z.boolean(),
    disabledReason: z.string().nullable(),
    source: z.enum(["api", "alert"]).describe("alert: created for a realtime alert's webhookUrl"),
    failingSince: z.string().nullable(),
    previousSecretExpiresAt: z.string().nullable().describe("Until then the previous secret signs too"),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("WebhookEndpoint");

export const EndpointWithSecret = Endpoint.extend({
  secret: z.string().describe("whsec_…: shown only here; keep it to verify signatures"),
}).openapi("WebhookEndpointWithSecret");

export const RotatedSecret = z
  .object({
    id: z.string(),
    secret: z.string().describe("The new whsec_… secret, shown only here"),
    previousSecretExpiresAt: z.string().describe("The old secret keeps signing (beside the new one) until then"),
  })
  .openapi("WebhookSecretRotation");

export const DeliveryAttempt = z
  .object({
    id: z.string(),
    eventId: z.string(),
    eventType: z.string(),
    attempt: z.number().int().describe("1 for the first try of this event to this endpoint"),
    status: z.enum(["succeeded", "failed"]),
    responseStatus: z.number().int().nullable(),
    responseBody: z.string().nullable().describe("At most the first kilobyte"),
    error: z.string().nullable(),
    durationMs: z.number().int(),
    attemptedAt: z.string(),
    nextAttemptAt: z.string().nullable().describe("When it is tried again (null: delivered, or given up)"),
  })
  .openapi("WebhookDeliveryAttempt");

export const Event = z.object({ id: z.string(), type: z.string(), tenantId: z.string(), timestamp: z.string(), data: z.unknown() }).openapi("WebhookEvent");

export const EventsQuery = z.object({
  type: EventTypeSchema.optional(),
  from: Instant.optional().describe("Events at or after this instant (30 days are kept)"),
});

export const Redeliver = z
  .object({ endpointId: EndpointId.optional().describe("Only to this endpoint; default every enabled endpoint subscribed to the type") })
  .strict()
  .openapi("RedeliverEvent");

export const Redelivery = z
  .object({ eventId: z.string(), endpoints: z.array(z.string()).describe("Endpoints it is queued for again") })
  .openapi("WebhookRedelivery");
