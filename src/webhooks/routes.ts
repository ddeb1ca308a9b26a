import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../env";
import { ownerOf, principalOf } from "../http/auth";
import { envelope, jsonBody, jsonResponses, ok, okPage, okWith, pageEnvelope } from "../http/envelope";
import { PageQuery } from "../http/pagination";
import { createRouter, described, secured } from "../http/router";
import { TenantId } from "../http/fields";
import {
  createEndpoint,
  deleteEndpoint,
  findEndpoint,
  listAttempts,
  listEndpoints,
  redeliverEvent,
  rotateSecret,
  toEndpoint,
  updateEndpoint,
} from "./endpoints";
import { findEvent, listEvents, toEvent } from "./events";
import {
  CreateEndpoint,
  DeliveryAttempt,
  Endpoint,
  EndpointId,
  EndpointWithSecret,
  Event,
  EventId,
  EventsQuery,
  Redeliver,
  Redelivery,
  RotatedSecret,
  UpdateEndpoint,
} from "./schemas";

const tags = ["Webhooks"];
const TenantParams = z.object({ tenantId: TenantId });
const EndpointParams = z.object({ endpointId: EndpointId });
const EventParams = z.object({ eventId: EventId });
const read = (what: string) => described(what, secured("billing:read", "billing:update"));
const write = (what: string) => described(what, secured("billing:update"));

/** Whose objects the caller may reach: its own tenant's, or (admin) anyone's. */
const callerOwner = (c: Context<AppEnv>) => ownerOf(principalOf(c));

export const webhooksRoutes = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/tenants/{tenantId}/webhook-endpoints",
      tags,
      operationId: "createWebhookEndpoint",
      summary: "Register a webhook endpoint (the answer carries its secret, shown only once)",
      ...write(
        'Subscribes an https URL to event types (or `["*"]` for all). The answer\'s `secret` (`whsec_…`) signs every delivery and is never shown again. URLs may not point at private, loopback or metadata addresses; at most 20 endpoints per tenant (409).',
      ),
      request: { params: TenantParams, ...jsonBody(CreateEndpoint) },
      responses: jsonResponses(envelope(EndpointWithSecret), "Created", 201),
    }),
    async (c) => okWith(c, await createEndpoint(c.env, c.var.db, c.req.valid("param").tenantId, c.req.valid("json"), Date.now()), 201),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/tenants/{tenantId}/webhook-endpoints",
      tags,
      operationId: "listWebhookEndpoints",
      summary: "List webhook endpoints",
      ...read("The tenant's endpoints with their events and state, never their secrets. Paginated."),
      request: { params: TenantParams, query: PageQuery },
      responses: jsonResponses(pageEnvelope(Endpoint)),
    }),
    async (c) => {
      const { limit, cursor } = c.req.valid("query");
      const page = await listEndpoints(c.var.db, c.req.valid("param").tenantId, { limit, cursor }, Date.now());
      return okPage(c, page.items, page.nextCursor, limit);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/webhook-endpoints/{endpointId}",
      tags,
      operationId: "getWebhookEndpoint",
      summary: "Get a webhook endpoint",
      ...read("One endpoint, without its secret; another tenant's is 404."),
      request: { params: EndpointParams },
      responses: jsonResponses(envelope(Endpoint)),
    }),
    async (c) => ok(c, toEndpoint(await findEndpoint(c.var.db, c.req.valid("param").endpointId, callerOwner(c)), Date.now())),
  )
  .openapi(
    createRoute({
      method: "put",
      path: "/webhook-endpoints/{endpointId}",
      tags,
      operationId: "updateWebhookEndpoint",
      summary: "Change a webhook endpoint (url, events, description, enabled)",
      ...write("Changes the fields sent. Re-enabling a disabled endpoint resumes its deliveries."),
      request: { params: EndpointParams, ...jsonBody(UpdateEndpoint) },
      responses: jsonResponses(envelope(Endpoint)),
    }),
    async (c) => ok(c, await updateEndpoint(c.env, c.var.db, c.req.valid("param").endpointId, callerOwner(c), c.req.valid("json"), Date.now())),
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/webhook-endpoints/{endpointId}",
      tags,
      operationId: "deleteWebhookEndpoint",
      summary: "Delete a webhook endpoint with its pending deliveries and log",
      ...write("Deletes the endpoint; nothing more is sent to it."),
      request: { params: EndpointParams },
      responses: jsonResponses(envelope(z.object({ id: z.string(), deleted: z.literal(true) }))),
    }),
    async (c) => ok(c, await deleteEndpoint(c.var.db, c.req.valid("param").endpointId, callerOwner(c))),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/webhook-endpoints/{endpointId}/rotate-secret",
      tags,
      operationId: "rotateWebhookEndpointSecret",
      summary: "Rotate the signing secret; the old one keeps signing beside it for 24 hours",
      ...write(
        "A new secret, shown only in this answer. For 24 hours deliveries carry a signature by each secret, so receivers can switch without missing one.",
      ),
      request: { params: EndpointParams },
      responses: jsonResponses(envelope(RotatedSecret)),
    }),
    async (c) => ok(c, await rotateSecret(c.var.db, c.req.valid("param").endpointId, callerOwner(c), Date.now())),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/webhook-endpoints/{endpointId}/deliveries",
      tags,
      operationId: "listWebhookDeliveries",
      summary: "The endpoint's delivery log, newest attempt first",
      ...read(
        "Every delivery attempt: the event, attempt number, outcome, the receiver's status and first 1 KB of its answer, the error, duration and when the next attempt is due. Paginated.",
      ),
      request: { params: EndpointParams, query: PageQuery },
      responses: jsonResponses(pageEnvelope(DeliveryAttempt)),
    }),
    async (c) => {
      const { limit, cursor } = c.req.valid("query");
      const page = await listAttempts(c.var.db, c.req.valid("param").endpointId, callerOwner(c), { limit, cursor });
      return okPage(c, page.items, page.nextCursor, limit);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/tenants/{tenantId}/events",
      tags,
      operationId: "listEvents",
      summary: "The tenant's event log, newest first (kept 30 days)",
      ...read("Every event the tenant's changes produced, whether or not an endpoint subscribes to it; `type` and `from` filter. Paginated."),
      request: { params: TenantParams, query: PageQuery.extend(EventsQuery.shape) },
      responses: jsonResponses(pageEnvelope(Event)),
    }),
    async (c) => {
      const { limit, cursor, type, from } = c.req.valid("query");
      const page = await listEvents(c.var.db, c.req.valid("param").tenantId, { limit, cursor, type, from });
      return okPage(c, page.items, page.nextCursor, limit);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/events/{eventId}",
      tags,
      operationId: "getEvent",
      summary: "One event",
      ...read("One event with its payload, as its deliveries carry it; another tenant's is 404."),
      request: { params: EventParams },
      responses: jsonResponses(envelope(Event)),
    }),
    async (c) => ok(c, toEvent(await findEvent(c.var.db, c.req.valid("param").eventId, callerOwner(c)))),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/events/{eventId}/redeliver",
      tags,
      operationId: "redeliverEvent",
      summary: "Send an event again (same webhook-id), to one endpoint or all subscribed",
      ...write(
        "Queues a new delivery of the event, with the same `webhook-id`, to `endpointId` or to every enabled endpoint subscribed to its type, and answers 202 with what was queued.",
      ),
      request: { params: EventParams, body: { required: false, content: { "application/json": { schema: Redeliver } } } },
      responses: jsonResponses(envelope(Redelivery), "Queued", 202),
    }),
    async (c) => {
      const body = c.req.header("content-type")?.includes("json") ? c.req.valid("json") : {};
      const result = await redeliverEvent(c.env, c.var.db, c.req.valid("param").eventId, callerOwner(c), body?.endpointId, Date.now());
      return okWith(c, result, 202);
    },
  );
