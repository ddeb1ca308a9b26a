import { tenantNow } from "../clock";
import type { Db } from "../db/client";
import type { StripeEventContext, StripeHandlers } from "../stripe";
import { findSubscription } from "./queries";
import { markPastDue, recoverFromPastDue } from "./service";

/**
 * The invoice a payment is for, as far as dunning needs it. Invoices bill subscriptions (and
 * import this module), so this module cannot look an invoice up itself: src/wiring passes the
 * invoices module's lookup.
 */
export type InvoiceLookup = (db: Db, invoiceId: string) => Promise<{ subscriptionId: string | null; status: string } | undefined>;

/**
 * Dunning: a failed payment for an invoice puts its (active) subscription past_due; the
 * successful payment that settles it makes the subscription active again. Both only act on
 * the state they expect, so replays and out-of-order events change nothing.
 */
export function subscriptionStripeHandlers(findInvoice: InvoiceLookup): StripeHandlers {
  async function invoiceSubscription(ctx: StripeEventContext, invoiceId: string | undefined) {
    if (!invoiceId) return undefined;
    const row = await findInvoice(ctx.db, invoiceId);
    const sub = row?.subscriptionId ? await findSubscription(ctx.db, row.subscriptionId) : undefined;
    return sub && { sub, invoiceStatus: row!.status };
  }
  return {
    "payment_intent.payment_failed": async (event, ctx) => {
      const found = await invoiceSubscription(ctx, event.data.object.metadata?.invoiceId);
      if (found?.sub.status === "active" && found.invoiceStatus === "open")
        await markPastDue(ctx.env, ctx.db, found.sub.id, await tenantNow(ctx.env, found.sub.tenantId, ctx.now));
    },
    "payment_intent.succeeded": async (event, ctx) => {
      const found = await invoiceSubscription(ctx, event.data.object.metadata?.invoiceId);
      if (found?.sub.status === "past_due" && found.invoiceStatus === "paid")
        await recoverFromPastDue(ctx.env, ctx.db, found.sub.id, await tenantNow(ctx.env, found.sub.tenantId, ctx.now));
    },
  };
}
