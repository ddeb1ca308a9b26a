import type { Db } from "../db/client";
import type { Bindings } from "../env";
import type { Stripe } from "./client";

export interface StripeEventContext {
  db: Db;
  env: Bindings;
  /** When the webhook arrived (epoch ms). `event.created` is when it happened at Stripe. */
  now: number;
}

export type StripeEventHandler<E extends Stripe.Event = Stripe.Event> = (event: E, ctx: StripeEventContext) => Promise<void>;
type EventOf<T extends Stripe.Event.Type> = Extract<Stripe.Event, { type: T }>;

const registry = new Map<string, StripeEventHandler[]>();

/**
 * Adds a handler for one Stripe event type; any module may register (at import time).
 * Handlers of a type run in registration order. They must be idempotent: an event whose
 * handlers failed is delivered again by Stripe and runs every handler again. A handler
 * that throws makes the webhook answer 500, so Stripe retries. Returns an unregister function.
 */
export function onStripeEvent<T extends Stripe.Event.Type>(type: T, handler: StripeEventHandler<EventOf<T>>): () => void {
  const list = registry.get(type) ?? [];
  list.push(handler as StripeEventHandler);
  registry.set(type, list);
  return () => {
    const current = registry.get(type) ?? [];
    registry.set(
      type,
      current.filter((h) => h !== handler),
    );
  };
}

export function handlersFor(type: string): readonly StripeEventHandler[] {
  return registry.get(type) ?? [];
}
