import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { database } from "../db/client";
import type { AppEnv } from "../env";
import { isAdmin, principalOf } from "../http/auth";
import { envelope, jsonBody, jsonResponses, ok, okPage, okWith, pageEnvelope } from "../http/envelope";
import { PageQuery } from "../http/pagination";
import { createRouter, secured } from "../http/router";
import { TenantId } from "../tenants/schemas";
import { createEndpoint, deleteEndpoint, findEndpoint, listAttempts, listEndpoints, redeliverEvent, rotateSecret, toEndpoint, updateEndpoint } from "./endpoints";
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
const read = () => secured("billing:read", "billing:update");
const write = () => secured("billing:update");

/** Whose objects the caller may reach: its own tenant's, or (admin) anyone's. */
const ownerOf = (c: Context<AppEnv>) => {
  const p = principalOf(c);
  return isAdmin(p) ? null : p.tenant;
};

export const webhooksRoutes = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/tenants/{tenantId}/webhook-endpoints",
      tags,
      summary: "Register a webhook endpoint (the answer carries its secret, shown only once)",
      ...write(),
      request: { params: TenantParams, ...jsonBody(CreateEndpoint) },
      responses: jsonResponses(envelope(EndpointWithSecret), "Created", 201),
    }),
    async (c) => okWith(c, await createEndpoint(c.env, database(c.env.DB), c.req.valid("param").tenantId, c.req.valid("json"), Date.now()), 201),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/tenants/{tenantId}/webhook-endpoints",
      tags,
      summary: "List webhook endpoints",
      ...read(),
      request: { params: TenantParams, query: PageQuery },
      responses: jsonResponses(pageEnvelope(Endpoint)),
    }),
    async (c) => {
      const { limit, cursor } = c.req.valid("query");
      const page = await listEndpoints(database(c.env.DB), c.req.valid("param").tenantId, { limit, cursor }, Date.now());
      return okPage(c, page.items, page.nextCursor, limit);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/webhook-endpoints/{endpointId}",
      tags,
      summary: "Get a webhook endpoint",
      ...read(),
      request: { params: EndpointParams },
      responses: jsonResponses(envelope(Endpoint)),
    }),
    async (c) => ok(c, toEndpoint(await findEndpoint(database(c.env.DB), c.req.valid("param").endpointId, ownerOf(c)), Date.now())),
  )
  .openapi(
    createRoute({
      method: "put",
      path: "/webhook-endpoints/{endpointId}",
      tags,
      summary: "Change a webhook endpoint (url, events, description, enabled)",
      ...write(),
      request: { params: EndpointParams, ...jsonBody(UpdateEndpoint) },
      responses: jsonResponses(envelope(Endpoint)),
    }),
    async (c) => ok(c, await updateEndpoint(c.env, database(c.env.DB), c.req.valid("param").endpointId, ownerOf(c), c.req.valid("json"), Date.now())),
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/webhook-endpoints/{endpointId}",
      tags,
      summary: "Delete a webhook endpoint with its pending deliveries and log",
      ...write(),
      request: { params: EndpointParams },
      responses: jsonResponses(envelope(z.object({ id: z.string(), deleted: z.literal(true) }))),
    }),
    async (c) => ok(c, await deleteEndpoint(database(c.env.DB), c.req.valid("param").endpointId, ownerOf(c))),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/webhook-endpoints/{endpointId}/rotate-secret",
      tags,
      summary: "Rotate the signing secret; the old one keeps signing beside it for 24 hours",
      ...write(),
      request: { params: EndpointParams },
      responses: jsonResponses(envelope(RotatedSecret)),
    }),
    async (c) => ok(c, await rotateSecret(database(c.env.DB), c.req.valid("param").endpointId, ownerOf(c), Date.now())),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/webhook-endpoints/{endpointId}/deliveries",
      tags,
      summary: "The endpoint's delivery log, newest attempt first",
      ...read(),
      request: { params: EndpointParams, query: PageQuery },
      responses: jsonResponses(pageEnvelope(DeliveryAttempt)),
    }),
    async (c) => {
      const { limit, cursor } = c.req.valid("query");
      const page = await listAttempts(database(c.env.DB), c.req.valid("param").endpointId, ownerOf(c), { limit, cursor });
      return okPage(c, page.items, page.nextCursor, limit);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/tenants/{tenantId}/events",
      tags,
      summary: "The tenant's event log, newest first (kept 30 days)",
      ...read(),
      request: { params: TenantParams, query: PageQuery.extend(EventsQuery.shape) },
      responses: jsonResponses(pageEnvelope(Event)),
    }),
    async (c) => {
      const { limit, cursor, type, from } = c.req.valid("query");
      const page = await listEvents(database(c.env.DB), c.req.valid("param").tenantId, { limit, cursor, type, from });
      return okPage(c, page.items, page.nextCursor, limit);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/events/{eventId}",
      tags,
      summary: "One event",
      ...read(),
      request: { params: EventParams },
      responses: jsonResponses(envelope(Event)),
    }),
    async (c) => ok(c, toEvent(await findEvent(database(c.env.DB), c.req.valid("param").eventId, ownerOf(c)))),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/events/{eventId}/redeliver",
      tags,
      summary: "Send an event again (same webhook-id), to one endpoint or all subscribed",
      ...write(),
      request: { params: EventParams, body: { required: false, content: { "application/json": { schema: Redeliver } } } },
      responses: jsonResponses(envelope(Redelivery), "Queued", 202),
    }),
    async (c) => {
      const body = c.req.header("content-type")?.includes("json") ? c.req.valid("json") : {};
      const result = await redeliverEvent(c.env, database(c.env.DB), c.req.valid("param").eventId, ownerOf(c), body?.endpointId, Date.now());
      return okWith(c, result, 202);
    },
  );
