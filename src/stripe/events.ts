import type { Db } from "../db/client";
import type { Bindings } from "../env";
import type { Stripe } from "./client";

export interface StripeEventContext {
  db: Db;
  env: Bindings;
  /** When the webhook arrived (epoch ms). `event.created` is when it happened at Stripe. */
  now: number;
}

type EventType = Stripe.Event.Type;
type EventOf<T extends EventType> = Extract<Stripe.Event, { type: T }>;

/**
 * Handlers must be idempotent: an event whose handlers failed is delivered again by Stripe and
 * runs every handler again. A handler that throws makes the webhook answer 500, so Stripe retries.
 */
export type StripeEventHandler<E extends Stripe.Event = Stripe.Event> = (event: E, ctx: StripeEventContext) => Promise<void>;

/** One module's handlers: at most one per event type. */
export type StripeHandlers = { readonly [T in EventType]?: StripeEventHandler<EventOf<T>> };

/** What the webhook runs for each event type, in order. */
export type StripeHandlerTable = { readonly [T in EventType]?: readonly StripeEventHandler<EventOf<T>>[] };

/**
 * The table from the order in which modules handle each type. A module named for a type it has
 * no handler for, or with a handler for a type it is not named for, throws here (at startup):
 * a handler dropped from the table would otherwise go unnoticed until Stripe's events did.
 */
export function stripeHandlerTable(order: { readonly [T in EventType]?: readonly StripeHandlers[] }): StripeHandlerTable {
  const table: Partial<Record<EventType, StripeEventHandler<never>[]>> = {};
  const named = new Set(Object.values(order).flat());
  for (const handlers of named) {
    for (const type of Object.keys(handlers) as EventType[]) {
      if (!order[type]?.includes(handlers)) throw new Error(`A Stripe handler for ${type} is missing from the handler table`);
    }
  }
  for (const [type, modules] of Object.entries(order) as [EventType, readonly StripeHandlers[]][]) {
    table[type] = modules.map((handlers) => {
      const handler = handlers[type];
      if (!handler) throw new Error(`The Stripe handler table names a module without a handler for ${type}`);
      return handler as StripeEventHandler<never>;
    });
  }
  return table as StripeHandlerTable;
}
