import { tenantNow } from "../clock";
import { log } from "../http/logger";
import { coversAmountDue, stripeCurrency, type StripeHandlers } from "../stripe";
import { completeTopUp, failTopUp, topUpOf } from "./top-up";

/** Automatic top-ups (top-up.ts): the credit is granted only once Stripe says the charge was paid. */
export const walletStripeHandlers: StripeHandlers = {
  "payment_intent.succeeded": async (event, { db, env }) => {
    const intent = event.data.object;
    const topUp = topUpOf(intent.metadata);
    const tenantId = intent.metadata?.tenantId;
    if (!topUp || !tenantId) return;
    if (intent.currency !== stripeCurrency(topUp.currency) || !coversAmountDue(intent.amount_received, topUp.amount, topUp.currency)) {
      log("error", "stripe top-up payment does not cover the top-up", {
        tenantId,
        topUpId: topUp.topUpId,
        received: intent.amount_received,
        currency: intent.currency,
      });
      return;
    }
    await completeTopUp(env, db, tenantId, topUp, await tenantNow(env, tenantId, event.created * 1000));
  },
  "payment_intent.payment_failed": async (event, { db, env }) => {
    const intent = event.data.object;
    const topUp = topUpOf(intent.metadata);
    const tenantId = intent.metadata?.tenantId;
    if (!topUp || !tenantId) return;
    const failure = intent.last_payment_error?.message ?? intent.last_payment_error?.code ?? "The payment failed";
    await failTopUp(env, db, tenantId, topUp, failure, await tenantNow(env, tenantId, event.created * 1000));
  },
};
