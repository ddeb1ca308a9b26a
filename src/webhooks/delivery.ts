import { and, asc, eq, isNull, lte, or, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { iso } from "../lib/time";
import type { Bindings } from "../env";
import { log } from "../http/logger";
import { newId } from "../lib/ids";
import { findOfKind, type OutboxRow, type Statement } from "../outbox";
import { destinationProblem } from "./destinations";
import { EVENT_KIND, eventStatement } from "./events";
import { ATTEMPT_TIMEOUT_MS, DISABLE_AFTER_MS, nextAttemptAt } from "./schedule";
import { signedHeaders } from "./signing";
import { webhookAttempts, webhookDeliveries, webhookEndpoints, type WebhookDeliveryRow, type WebhookEndpointRow } from "./table";

/** What an attempt may be answered with before it is cut (the delivery log stores at most this). */
export const MAX_RESPONSE_BYTES = 1024;
/** Deliveries to one endpoint per dispatcher run; the rest go in the next run. */
const MAX_PER_RUN = 10;
/** A dispatcher holds an endpoint this long at most; a crashed one's lease simply runs out. */
const LEASE_MS = MAX_PER_RUN * ATTEMPT_TIMEOUT_MS + 60_000;

export type Send = (request: Request) => Promise<Response>;

export interface DeliveryRun {
  attempted: number;
  /** More is due than this run delivered. */
  more: boolean;
}

/**
 * Delivers what one endpoint is owed, oldest event first and one at a time: a failure stops
 * the run (the next events wait behind it), so an endpoint sees its events in order. The
 * endpoint is leased for the run, so two dispatchers never send to it at once; a dispatcher
 * that dies after sending leaves the delivery pending, and it is sent again with the same
 * `webhook-id` (receivers deduplicate on it).
 */
export async function deliverEndpoint(env: Bindings, db: Db, endpointId: string, now: number, send: Send = (r) => fetch(r)): Promise<DeliveryRun> {
  const lease = now + LEASE_MS;
  const [endpoint] = await db
    .update(webhookEndpoints)
    .set({ leaseUntil: lease })
    .where(
      and(
        eq(webhookEndpoints.id, endpointId),
        eq(webhookEndpoints.enabled, true),
        or(isNull(webhookEndpoints.leaseUntil), lte(webhookEndpoints.leaseUntil, now)),
      ),
    )
    .returning();
  if (!endpoint) return { attempted: 0, more: false };
  let attempted = 0;
  try {
    let current = endpoint;
    while (attempted < MAX_PER_RUN) {
      // A run may take a while (5 s an attempt): each attempt is stamped with its own time.
      const at = Math.max(now, Date.now());
      const head = await db
        .select()
        .from(webhookDeliveries)
        .where(and(eq(webhookDeliveries.endpointId, endpointId), eq(webhookDeliveries.status, "pending")))
        .orderBy(asc(webhookDeliveries.eventSeq))
        .get();
      if (!head || (head.nextAttemptAt ?? at) > at) return { attempted, more: false };
      const event = await findOfKind(db, head.eventId, EVENT_KIND, null);
      if (!event) {
        // Past the event log's retention (an endpoint disabled for a month): nothing left to send.
        await db.update(webhookDeliveries).set({ status: "failed", nextAttemptAt: null, updatedAt: at }).where(eq(webhookDeliveries.id, head.id));
        continue;
      }
      attempted++;
      const outcome = await attempt(env, current, event, at, send);
      const result = await record(db, current, head, event.type!, outcome, at);
      if (!outcome.ok) return { attempted, more: false };
      current = result;
    }
    return { attempted, more: true };
  } finally {
    await db
      .update(webhookEndpoints)
      .set({ leaseUntil: null })
      .where(and(eq(webhookEndpoints.id, endpointId), eq(webhookEndpoints.leaseUntil, lease)));
  }
}

interface Outcome {
  ok: boolean;
  status?: number;
  body?: string;
  error?: string;
  durationMs: number;
}

/** The body every endpoint receives for an event: the same bytes on every attempt. */
export const deliveryBody = (event: OutboxRow) => JSON.stringify({ type: event.type, timestamp: iso(event.createdAt), data: event.payload });

export function activeSecrets(endpoint: WebhookEndpointRow, now: number): string[] {
  const previous = endpoint.previousSecret && (endpoint.previousSecretExpiresAt ?? 0) > now ? [endpoint.previousSecret] : [];
  return [endpoint.secret, ...previous];
}

async function attempt(env: Bindings, endpoint: WebhookEndpointRow, event: OutboxRow, now: number, send: Send): Promise<Outcome> {
  const problem = destinationProblem(endpoint.url, env);
  if (problem) return { ok: false, durationMs: 0, error: `Destination refused: the URL ${problem}` };
  const body = deliveryBody(event);
  const headers = await signedHeaders(activeSecrets(endpoint, now), event.id, Math.floor(now / 1000), body);
  const started = Date.now();
  try {
    const res = await send(
      new Request(endpoint.url, {
        method: "POST",
        headers: { "content-type": "application/json", "user-agent": "edge-billing-webhooks/1.0", ...headers },
        body,
        // A redirect could lead anywhere (including where destinationProblem refuses to go).
        redirect: "manual",
        signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS),
      }),
    );
    const text = await firstBytes(res, MAX_RESPONSE_BYTES);
    const ok = res.status >= 200 && res.status < 300;
    return { ok, status: res.status, body: text, durationMs: Date.now() - started, ...(ok ? {} : { error: `HTTP ${res.status}` }) };
  } catch (err) {
    const timedOut = err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError");
    return {
      ok: false,
      durationMs: Date.now() - started,
      error: timedOut ? `No answer within ${ATTEMPT_TIMEOUT_MS / 1000} s` : `Request failed: ${(err as Error).message}`,
    };
  }
}

/** The first `limit` bytes of a response body as text; the rest is never read. */
async function firstBytes(res: Response, limit: number): Promise<string> {
  if (!res.body) return "";
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  const all = new Uint8Array(size);
  let offset = 0;
  for (const c of chunks) {
    all.set(c, offset);
    offset += c.byteLength;
  }
  // A cut through a multi-byte character decodes to U+FFFD; the stored text stays ≤ 1 KB of UTF-8.
  return new TextDecoder().decode(all.slice(0, limit)).slice(0, limit);
}

/**
 * Writes an attempt's outcome in one batch: the log row, the delivery (done, retried later,
 * or given up), and the endpoint's health: five days of nothing but failures disable it, and
 * its tenant hears of that through an event.
 */
async function record(
  db: Db,
  endpoint: WebhookEndpointRow,
  delivery: WebhookDeliveryRow,
  eventType: string,
  outcome: Outcome,
  now: number,
): Promise<WebhookEndpointRow> {
  const retryAt = outcome.ok ? null : nextAttemptAt(delivery.retryStep, now);
  const status = outcome.ok ? "succeeded" : retryAt === null ? "failed" : "pending";
  const statements: Statement[] = [
    db.insert(webhookAttempts).values({
      id: newId("wat"),
      tenantId: delivery.tenantId,
      endpointId: endpoint.id,
      deliveryId: delivery.id,
      eventId: delivery.eventId,
      eventType,
      attempt: delivery.attempts + 1,
      status: outcome.ok ? "succeeded" : "failed",
      responseStatus: outcome.status ?? null,
      responseBody: outcome.body ?? null,
      error: outcome.error ?? null,
      durationMs: outcome.durationMs,
      attemptedAt: now,
      nextAttemptAt: retryAt,
    }),
    db
      .update(webhookDeliveries)
      .set({
        status,
        attempts: sql`${webhookDeliveries.attempts} + 1`,
        retryStep: sql`${webhookDeliveries.retryStep} + 1`,
        nextAttemptAt: retryAt,
        updatedAt: now,
      })
      .where(eq(webhookDeliveries.id, delivery.id)),
  ];
  const failingSince = outcome.ok ? null : (endpoint.failingSince ?? now);
  const disable = failingSince !== null && now - failingSince >= DISABLE_AFTER_MS;
  const reason = disable ? `Every attempt failed since ${iso(failingSince)}` : null;
  statements.push(
    db
      .update(webhookEndpoints)
      .set({ failingSince, ...(disable ? { enabled: false, disabledReason: reason, updatedAt: now } : {}) })
      .where(eq(webhookEndpoints.id, endpoint.id)),
  );
  if (disable) {
    statements.push(
      eventStatement(db, {
        tenantId: endpoint.tenantId,
        type: "webhook.endpoint.disabled",
        data: { endpoint: { id: endpoint.id, url: endpoint.url }, reason: reason!, failingSince: iso(failingSince) },
        at: now,
      }),
    );
    log("warn", "webhook.endpoint_disabled", { tenant: endpoint.tenantId, endpointId: endpoint.id, failingSince: iso(failingSince) });
  }
  await db.batch(statements as [Statement, ...Statement[]]);
  log(outcome.ok ? "debug" : "info", "webhook.attempt", {
    tenant: endpoint.tenantId,
    endpointId: endpoint.id,
    eventId: delivery.eventId,
    attempt: delivery.attempts + 1,
    status: outcome.status,
    error: outcome.error,
    durationMs: outcome.durationMs,
  });
  return { ...endpoint, failingSince, enabled: !disable };
}
