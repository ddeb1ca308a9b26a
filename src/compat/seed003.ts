import { createRoute, z } from "@hono/zod-openapi";
import { database } from "../db/client";
import { principalOf } from "../http/auth";
import { PageQuery } from "../http/pagination";
import { described, rateLimitedAs, secured } from "../http/router";
import { listInvoices } from "../invoices/store";
import { seed003ErrorResponses, seed003Errors } from "./errors";
import { compatRouter } from "./router";
import type { Context } from "hono";
import { ApiError, badRequest } from "../http/errors";
import { UsageEventInput } from "../metering/schemas";
import { recordUsage } from "../metering/service";
import type { AppEnv } from "../env";
import { cancelSubscription, getLiveSubscription, type Caller } from "../subscriptions/service";
import { publicBase } from "../http/public-url";
import { clockNow } from "../clock";

const tags = ["App billing (compatibility API)"];
const read = secured("billing:read", "billing:update");

const Seed003Invoice = z
  .object({
    id: z.string(),
    number: z.string().nullable(),
    amount: z.number().int().describe("Total in minor units"),
    currency: z.string().describe("Lowercase ISO code, as Stripe writes it"),
    status: z.string(),
    periodStart: z.string(),
    periodEnd: z.string(),
    paidAt: z.string().nullable(),
    pdfUrl: z.string().nullable(),
  })
  .openapi("AppBillingInvoice");

const Seed003Subscription = z
  .object({
    id: z.string(),
    plan: z.string(),
    status: z.string(),
    currentPeriodStart: z.string(),
    currentPeriodEnd: z.string(),
    cancelAtPeriodEnd: z.boolean(),
    cancelAt: z.string().nullable(),
  })
  .openapi("AppBillingSubscription");

const EventIdHeader = z
  .string()
  .regex(/^[\x21-\x7e]{1,128}$/, "1 to 128 visible ASCII characters")
  .openapi({ description: "Used as the event id when the body has no eventId, so a retry counts once", example: "req_8f14e45f" });

/** The client's id for the event: the body's `eventId`, else its Idempotency-Key; without either, a new one. */
function eventIdOf(bodyId: string | undefined, headerKey: string | undefined): string {
  if (bodyId !== undefined && headerKey !== undefined && bodyId !== headerKey) {
    throw badRequest("eventId and Idempotency-Key name different events", [{ path: "eventId", message: "must equal the Idempotency-Key header when both are sent", code: "custom" }]);
  }
  return bodyId ?? headerKey ?? crypto.randomUUID();
}

/** Seed 003's wording: "API call limit reached for current period" (the meters it names read as words). */
const METER_WORDS: Record<string, string> = { apiCalls: "API call", llmTokens: "LLM token", storage: "Storage" };
export const limitReachedMessage = (metric: string) => `${METER_WORDS[metric] ?? metric} limit reached for current period`;

const caller = (c: Context<AppEnv>): Caller => {
  const p = principalOf(c);
  return { owner: p.tenant, admin: false, actor: p.sub };
};

/** Seed 003: the caller's own tenant, in the app-facing shapes of that document. */
export const seed003Routes = compatRouter(seed003Errors)
  .openapi(
    createRoute({
      method: "get",
      path: "/billing/subscription",
      tags,
      operationId: "billingGetSubscription",
      summary: "Current subscription of the caller's tenant",
      ...described("The token's tenant's live tenant-wide subscription: plan, status, current period and whether it cancels at the period end. None is 404.", read),
      responses: { 200: { description: "Subscription", content: { "application/json": { schema: Seed003Subscription } } }, ...seed003ErrorResponses },
    }),
    async (c) => {
      const sub = await getLiveSubscription(database(c.env.DB), c.env, principalOf(c).tenant, undefined, await clockNow(c));
      return c.json(
        {
          id: sub.id,
          plan: sub.planId,
          status: sub.status,
          currentPeriodStart: sub.currentPeriodStart,
          currentPeriodEnd: sub.currentPeriodEnd,
          cancelAtPeriodEnd: sub.cancelAtPeriodEnd,
          cancelAt: sub.cancelAt,
        },
        200,
      );
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/billing/usage",
      tags,
      operationId: "billingRecordUsage",
      summary: "Track usage of the caller's tenant (tier enforcement)",
      ...described(
        "Records one event for the token's tenant through its meter. The event id is `eventId`, else the `Idempotency-Key` header: a retry with the same id counts once (and answers `duplicate: true`); without either, every call is a new event. Over a hard limit it answers 402 `{error: \"Usage limit exceeded\", message: \"API call limit reached for current period\", usage: {current, limit}}`, where `current` is the total the event would have reached.",
        rateLimitedAs("usage", secured("usage:write")),
      ),
      request: {
        headers: z.object({ "idempotency-key": EventIdHeader.optional() }),
        body: { required: true, content: { "application/json": { schema: UsageEventInput.partial({ eventId: true }) } } },
      },
      responses: {
        200: {
          description: "Recorded (or already recorded under this event id)",
          content: { "application/json": { schema: z.object({ recorded: z.literal(true), duplicate: z.boolean(), eventId: z.string(), metric: z.string(), usage: z.object({ current: z.number() }) }) } },
        },
        402: { description: "Over the limit", content: { "application/json": { schema: z.object({ error: z.string(), message: z.string(), usage: z.object({ current: z.number(), limit: z.number() }) }) } } },
        ...seed003ErrorResponses,
      },
    }),
    async (c) => {
      const input = c.req.valid("json");
      const event = { ...input, eventId: eventIdOf(input.eventId, c.req.valid("header")["idempotency-key"]) };
      try {
        const result = await recordUsage(c.env, principalOf(c).tenant, event, await clockNow(c));
        return c.json(
          { recorded: true as const, duplicate: result.status === "duplicate", eventId: event.eventId, metric: event.metric, usage: { current: Number(result.total?.quantity ?? 0) } },
          200,
        );
      } catch (err) {
        if (!(err instanceof ApiError) || err.code !== "QUOTA_EXCEEDED") throw err;
        const d = err.details as { metric: string; current: number; limit: number };
        return c.json({ error: "Usage limit exceeded", message: limitReachedMessage(d.metric), usage: { current: d.current + event.quantity, limit: d.limit } }, 402);
      }
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/billing/cancel",
      tags,
      operationId: "billingCancelSubscription",
      summary: "Cancel the caller's subscription at period end",
      ...described(
        "Sets the token's tenant's live subscription to cancel at the end of its current period (it stays active until then) and answers when. Asking again changes nothing and answers the same date.",
        secured("billing:update"),
      ),
      responses: {
        200: { description: "Canceled at period end", content: { "application/json": { schema: z.object({ success: z.literal(true), cancelAt: z.string() }) } } },
        ...seed003ErrorResponses,
      },
    }),
    async (c) => {
      const db = database(c.env.DB);
      const live = await getLiveSubscription(db, c.env, principalOf(c).tenant, undefined, await clockNow(c));
      const canceled = live.cancelAtPeriodEnd ? live : await cancelSubscription(db, c.env, caller(c), live.id, { atPeriodEnd: true }, await clockNow(c));
      return c.json({ success: true as const, cancelAt: canceled.cancelAt ?? canceled.currentPeriodEnd }, 200);
    },
  )
  .openapi(
  createRoute({
    method: "get",
    path: "/billing/invoices",
    tags,
    operationId: "billingListInvoices",
    summary: "List invoices of the caller's tenant",
    ...described(
      "The token's tenant's invoices, newest period first: total in minor units, lower-case currency (as Stripe writes it), status, period, when paid, and an absolute `pdfUrl` once finalized. Paginated with `limit` and `cursor`.",
      read,
    ),
    request: { query: PageQuery },
    responses: { 200: { description: "Invoices", content: { "application/json": { schema: z.object({ invoices: z.array(Seed003Invoice) }) } } }, ...seed003ErrorResponses },
  }),
  async (c) => {
    const { limit, cursor } = c.req.valid("query");
    const page = await listInvoices(database(c.env.DB), principalOf(c).tenant, { limit, cursor });
    const origin = publicBase(c.env);
    return c.json(
      {
        invoices: page.items.map((i) => ({
          id: i.id,
          number: i.number,
          amount: i.total.amount,
          currency: i.currency.toLowerCase(),
          status: i.status,
          periodStart: i.periodStart,
          periodEnd: i.periodEnd,
          paidAt: i.paidAt,
          pdfUrl: i.pdfUrl && `${origin}${i.pdfUrl}`,
        })),
      },
      200,
    );
  },
);
