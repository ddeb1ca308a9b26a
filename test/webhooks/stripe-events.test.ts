import { describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { outbox } from "../../src/outbox/table";
import { call } from "../helpers";
import { insertInvoice, signed, stripeEvent, useFakeStripe } from "../stripe/fake-stripe";
import { db } from "./support";

const WEBHOOK = "/api/v1/billing/stripe/webhook";
const deliver = async (event: object) => call("POST", WEBHOOK, await signed(event));
const eventsOf = (tenant: string, type: string) =>
  db
    .select()
    .from(outbox)
    .where(and(eq(outbox.tenantId, tenant), eq(outbox.type, type)));

describe("events from Stripe payments", () => {
  useFakeStripe();

  it("invoice.payment_failed per failed attempt (a replayed Stripe event adds none), invoice.paid once", async () => {
    const tenant = "wh-stripe";
    const invoice = await insertInvoice(tenant);
    const intent = (fields: Record<string, unknown>) => ({
      id: "pi_whstripe1",
      object: "payment_intent",
      amount: invoice.amountDue,
      currency: "usd",
      metadata: { invoiceId: invoice.id, tenantId: tenant },
      ...fields,
    });
    const failed = stripeEvent(
      "payment_intent.payment_failed",
      intent({ status: "requires_payment_method", amount_received: 0, last_payment_error: { code: "card_declined", decline_code: "insufficient_funds" } }),
    );
    expect((await deliver(failed)).status).toBe(200);
    expect((await deliver(failed)).status).toBe(200);
    const second = stripeEvent(
      "payment_intent.payment_failed",
      intent({ status: "requires_payment_method", amount_received: 0, last_payment_error: { code: "expired_card" } }),
    );
    expect((await deliver(second)).status).toBe(200);
    const failures = await eventsOf(tenant, "invoice.payment_failed");
    expect(failures.map((e) => (e.payload as any).payment)).toEqual([
      { paymentIntentId: "pi_whstripe1", code: "card_declined", declineCode: "insufficient_funds" },
      { paymentIntentId: "pi_whstripe1", code: "expired_card", declineCode: null },
    ]);
    expect(failures[0]!.payload).toMatchObject({ invoice: { id: invoice.id, status: "open" } });

    const paid = stripeEvent("payment_intent.succeeded", intent({ status: "succeeded", amount_received: invoice.amountDue }));
    expect((await deliver(paid)).status).toBe(200);
    expect(
      (
        await deliver(
          stripeEvent("invoice.paid", {
            id: "in_x",
            object: "invoice",
            amount_paid: invoice.amountDue,
            currency: "usd",
            metadata: { invoiceId: invoice.id, tenantId: tenant },
          }),
        )
      ).status,
    ).toBe(200);
    const paidEvents = await eventsOf(tenant, "invoice.paid");
    expect(paidEvents.map((e) => (e.payload as any).invoice)).toEqual([expect.objectContaining({ id: invoice.id, status: "paid" })]);
  });
});
