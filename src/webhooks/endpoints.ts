import { and, asc, count, desc, eq } from "drizzle-orm";
import type { Db } from "../db/client";
import { iso } from "../lib/time";
import type { Bindings } from "../env";
import { badRequest, conflict, notFound } from "../http/errors";
import { afterCursor, decodeCursor, paginate } from "../http/pagination";
import { newId } from "../lib/ids";
import { destinationProblem } from "./destinations";
import { findEvent } from "./events";
import { subscribedEndpoints, subscribes } from "./fanout";
import { newSecret } from "./signing";
import { webhookAttempts, webhookDeliveries, webhookEndpoints, type WebhookAttemptRow, type WebhookEndpointRow } from "./table";
import { wakeEndpoints } from "./wake";
import type { CreateEndpoint, UpdateEndpoint } from "./schemas";

/** Endpoints per tenant: every event is sent to each of them, so their number bounds the fan-out. */
export const MAX_ENDPOINTS = 20;

/** How long a rotated-out secret keeps signing beside the new one. */
export const ROTATION_OVERLAP_MS = 24 * 3_600_000;

const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

export function toEndpoint(row: WebhookEndpointRow, now: number) {
  return {
    id: row.id,
    tenantId: row.tenantId,
    url: row.url,
    description: row.description,
    events: row.events,
    enabled: row.enabled,
    disabledReason: row.disabledReason,
    source: row.source,
    failingSince: isoOrNull(row.failingSince),
    previousSecretExpiresAt: row.previousSecret && (row.previousSecretExpiresAt ?? 0) > now ? iso(row.previousSecretExpiresAt!) : null,
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}

function assertDestination(env: Bindings, url: string, field = "url"): void {
  const problem = destinationProblem(url, env);
  if (problem) throw badRequest(`The URL ${problem}`, [{ path: field, message: problem, code: "custom" }]);
}

/** Another tenant's endpoint is not found (`owner` null: an admin, any tenant). */
export async function findEndpoint(db: Db, id: string, owner: string | null): Promise<WebhookEndpointRow> {
  const row = await db
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.id, id), owner === null ? undefined : eq(webhookEndpoints.tenantId, owner)))
    .get();
  if (!row) throw notFound("Webhook endpoint", id);
  return row;
}

/** Creates an endpoint; the answer is the only place its secret is ever shown. */
export async function createEndpoint(env: Bindings, db: Db, tenantId: string, input: CreateEndpoint, now: number, source: "api" | "alert" = "api") {
  assertDestination(env, input.url);
  const [{ n }] = (await db.select({ n: count() }).from(webhookEndpoints).where(eq(webhookEndpoints.tenantId, tenantId))) as [{ n: number }];
  if (n >= MAX_ENDPOINTS) throw conflict(`A tenant has at most ${MAX_ENDPOINTS} webhook endpoints; delete one first`, { limit: MAX_ENDPOINTS });
  const [row] = await db
    .insert(webhookEndpoints)
    .values({
      id: newId("whe"),
      tenantId,
      url: input.url,
      description: input.description ?? null,
      events: input.events,
      enabled: input.enabled ?? true,
      secret: newSecret(),
      source,
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  return { ...toEndpoint(row!, now), secret: row!.secret };
}

export async function listEndpoints(db: Db, tenantId: string, page: { limit: number; cursor?: string }, now: number) {
  const rows = await db
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.tenantId, tenantId), afterCursor(decodeCursor(page.cursor), webhookEndpoints.createdAt, webhookEndpoints.id, "asc")))
    .orderBy(asc(webhookEndpoints.createdAt), asc(webhookEndpoints.id))
    .limit(page.limit + 1);
  const { items, nextCursor } = paginate(rows, page.limit, (r) => ({ k: r.createdAt, id: r.id }));
  return { items: items.map((r) => toEndpoint(r, now)), nextCursor };
}

/** Re-enabling clears the failure streak and wakes the endpoint for what it is still owed. */
export async function updateEndpoint(env: Bindings, db: Db, id: string, owner: string | null, input: UpdateEndpoint, now: number) {
  const current = await findEndpoint(db, id, owner);
  if (input.url !== undefined) assertDestination(env, input.url);
  const reenabled = input.enabled === true && !current.enabled;
  const [row] = await db
    .update(webhookEndpoints)
    .set({
      ...(input.url !== undefined ? { url: input.url } : {}),
      ...(input.events !== undefined ? { events: input.events } : {}),
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
      ...(input.enabled !== undefined ? { disabledReason: null } : {}),
      ...(reenabled ? { failingSince: null } : {}),
      updatedAt: now,
    })
    .where(eq(webhookEndpoints.id, current.id))
    .returning();
  if (!row) throw notFound("Webhook endpoint", id);
  if (reenabled) await wakeEndpoints(env, [row.id]);
  return toEndpoint(row, now);
}

/** Deletes the endpoint with its pending deliveries and its delivery log. */
export async function deleteEndpoint(db: Db, id: string, owner: string | null) {
  const current = await findEndpoint(db, id, owner);
  await db.batch([
    db.delete(webhookAttempts).where(eq(webhookAttempts.endpointId, current.id)),
    db.delete(webhookDeliveries).where(eq(webhookDeliveries.endpointId, current.id)),
    db.delete(webhookEndpoints).where(eq(webhookEndpoints.id, current.id)),
  ]);
  return { id: current.id, deleted: true as const };
}

/** A new secret; the current one keeps signing beside it for 24 hours (receivers switch over meanwhile). */
export async function rotateSecret(db: Db, id: string, owner: string | null, now: number) {
  const current = await findEndpoint(db, id, owner);
  const secret = newSecret();
  const expiresAt = now + ROTATION_OVERLAP_MS;
  await db
    .update(webhookEndpoints)
    .set({ secret, previousSecret: current.secret, previousSecretExpiresAt: expiresAt, updatedAt: now })
    .where(eq(webhookEndpoints.id, current.id));
  return { id: current.id, secret, previousSecretExpiresAt: iso(expiresAt) };
}

export const toAttempt = (r: WebhookAttemptRow) => ({
  id: r.id,
  eventId: r.eventId,
  eventType: r.eventType,
  attempt: r.attempt,
  status: r.status,
  responseStatus: r.responseStatus,
  responseBody: r.responseBody,
  error: r.error,
  durationMs: r.durationMs,
  attemptedAt: iso(r.attemptedAt),
  nextAttemptAt: isoOrNull(r.nextAttemptAt),
});

/** The endpoint's delivery log, newest attempt first. */
export async function listAttempts(db: Db, id: string, owner: string | null, page: { limit: number; cursor?: string }) {
  const endpoint = await findEndpoint(db, id, owner);
  const rows = await db
    .select()
    .from(webhookAttempts)
    .where(and(eq(webhookAttempts.endpointId, endpoint.id), afterCursor(decodeCursor(page.cursor), webhookAttempts.attemptedAt, webhookAttempts.id, "desc")))
    .orderBy(desc(webhookAttempts.attemptedAt), desc(webhookAttempts.id))
    .limit(page.limit + 1);
  const { items, nextCursor } = paginate(rows, page.limit, (r) => ({ k: r.attemptedAt, id: r.id }));
  return { items: items.map(toAttempt), nextCursor };
}

/**
 * Queues an event again, now, for one endpoint or every enabled endpoint subscribed to its
 * type (a delivery that succeeded or was given up becomes pending again, with a fresh retry
 * schedule). The same `webhook-id` is sent, so a receiver that has it already can ignore it.
 */
export async function redeliverEvent(env: Bindings, db: Db, eventId: string, owner: string | null, endpointId: string | undefined, now: number) {
  const event = await findEvent(db, eventId, owner);
  const targets = endpointId ? [await findEndpoint(db, endpointId, event.tenantId)] : await subscribedEndpoints(db, event.tenantId, event.type!);
  for (const e of targets) {
    if (!subscribes(e, event.type!))
      throw badRequest(`Endpoint ${e.id} is not subscribed to ${event.type}`, [
        { path: "endpointId", message: "not subscribed to this event type", code: "custom" },
      ]);
  }
  if (targets.length) {
    await db.batch(
      targets.map((e) =>
        db
          .insert(webhookDeliveries)
          .values({
            id: newId("wdl"),
            tenantId: event.tenantId,
            endpointId: e.id,
            eventId: event.id,
            eventSeq: event.seq,
            status: "pending",
            nextAttemptAt: now,
            createdAt: now,
            updatedAt: now,
          })
          .onConflictDoUpdate({
            target: [webhookDeliveries.endpointId, webhookDeliveries.eventId],
            set: { status: "pending", retryStep: 0, nextAttemptAt: now, updatedAt: now },
          }),
      ) as [never, ...never[]],
    );
    await wakeEndpoints(
      env,
      targets.map((e) => e.id),
    );
  }
  return { eventId: event.id, endpoints: targets.map((e) => e.id) };
}

/**
 * A realtime alert's `webhookUrl` is an ordinary endpoint subscribed to usage.alert.triggered:
 * the tenant's endpoint for that URL that already receives the event, or a new one (its secret
 * is obtained with rotate-secret, since the alert API never shows one).
 */
export async function ensureAlertEndpoint(env: Bindings, db: Db, tenantId: string, url: string, now: number, field = "url"): Promise<string> {
  assertDestination(env, url, field);
  const existing = (
    await db
      .select()
      .from(webhookEndpoints)
      .where(and(eq(webhookEndpoints.tenantId, tenantId), eq(webhookEndpoints.url, url)))
  ).find((e) => subscribes(e, "usage.alert.triggered"));
  if (existing) return existing.id;
  const created = await createEndpoint(env, db, tenantId, { url, events: ["usage.alert.triggered"], description: "Realtime alert webhook" }, now, "alert");
  return created.id;
}
