import { and, eq, isNull, lte, or, sql } from "drizzle-orm";
import Stripe from "stripe";
import { database, type Db } from "../db/client";
import type { Bindings } from "../env";
import { ApiError, badRequest, conflict } from "../http/errors";
import { log } from "../http/logger";
import type { StripeEventHandler, StripeHandlerTable } from "./events";
import { stripeEvents } from "./table";

/** How long one delivery owns an event before another delivery may run it (a crashed run's lease expires). */
const LEASE_MS = 60_000;

export interface WebhookReceipt {
  received: true;
  /** The event was processed before: nothing changed. */
  duplicate?: true;
  /** No handler for this event type: recorded and acknowledged. */
  ignored?: true;
}

/**
 * Verifies a webhook delivery against the endpoint's signing secret (Stripe's default
 * five-minute tolerance for the timestamp), then processes the event once with `handlers`.
 */
export async function receiveStripeWebhook(
  env: Bindings,
  handlers: StripeHandlerTable,
  rawBody: string,
  signature: string | undefined,
  now: number,
): Promise<WebhookReceipt> {
  const secret = env.STRIPE_WEBHOOK_SECRET;
  if (!secret) throw new ApiError("NOT_CONFIGURED", "Stripe webhooks are not configured (set STRIPE_WEBHOOK_SECRET)");
  if (!signature) throw badRequest("Missing Stripe-Signature header");
  let event: Stripe.Event;
  try {
    event = await Stripe.webhooks.constructEventAsync(rawBody, signature, secret);
  } catch {
    throw badRequest("Invalid Stripe signature");
  }
  return processStripeEvent(env, database(env.DB), handlers, event, now);
}

/**
 * Runs the event's handlers at most once to success. The event row is inserted if new and
 * claimed in one batch; a processed event answers `duplicate`, one claimed by a delivery
 * still running answers 409 (Stripe retries). A handler failure releases the claim and is
 * rethrown (500), so Stripe delivers it again.
 */
export async function processStripeEvent(env: Bindings, db: Db, table: StripeHandlerTable, event: Stripe.Event, now: number): Promise<WebhookReceipt> {
  const object = event.data.object as { id?: unknown; metadata?: Record<string, string> | null };
  const [, claimed] = await db.batch([
    db
      .insert(stripeEvents)
      .values({
        id: event.id,
        type: event.type,
        objectId: typeof object.id === "string" ? object.id : null,
        tenantId: object.metadata?.tenantId ?? null,
        livemode: event.livemode,
        eventCreatedAt: event.created * 1000,
        receivedAt: now,
      })
      .onConflictDoNothing(),
    db
      .update(stripeEvents)
      .set({ claimedUntil: now + LEASE_MS, attempts: sql`${stripeEvents.attempts} + 1` })
      .where(and(eq(stripeEvents.id, event.id), isNull(stripeEvents.processedAt), or(isNull(stripeEvents.claimedUntil), lte(stripeEvents.claimedUntil, now))))
      .returning({ id: stripeEvents.id }),
  ]);
  if (claimed.length === 0) {
    const row = await db.select({ processedAt: stripeEvents.processedAt }).from(stripeEvents).where(eq(stripeEvents.id, event.id)).get();
    if (row?.processedAt != null) return { received: true, duplicate: true };
    throw conflict("This event is being processed by another delivery; retry later");
  }

  // Own keys only: a type named like an Object.prototype member is just a type without handlers.
  const handlers = (Object.hasOwn(table, event.type) ? (table[event.type] ?? []) : []) as readonly StripeEventHandler[];
  try {
    for (const handler of handlers) await handler(event, { db, env, now });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    log("error", "stripe event handler failed", { eventId: event.id, type: event.type, error: message });
    await db
      .update(stripeEvents)
      .set({ claimedUntil: null, lastError: message.slice(0, 500) })
      .where(eq(stripeEvents.id, event.id));
    throw err;
  }
  await db
    .update(stripeEvents)
    .set({ processedAt: now, outcome: handlers.length > 0 ? "handled" : "ignored", claimedUntil: null, lastError: null })
    .where(eq(stripeEvents.id, event.id));
  return handlers.length > 0 ? { received: true } : { received: true, ignored: true };
}
