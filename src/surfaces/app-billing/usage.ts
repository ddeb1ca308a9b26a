import { createRoute, z } from "@hono/zod-openapi";
import { clockNow } from "../../clock";
import type { Db } from "../../db/client";
import type { Bindings } from "../../env";
import { principalOf } from "../../http/auth";
import { ApiError, badRequest } from "../../http/errors";
import { canonicalBody } from "../../http/idempotency";
import { createRouter, described, rateLimitedAs, secured } from "../../http/router";
import { sha256Hex } from "../../lib/hash";
import { iso } from "../../lib/time";
import { readUsage, recordUsage, UsageEventInput } from "../../metering";
import { findPlanVersion } from "../../plans";
import { liveSubscriptionPeriod } from "../../subscriptions";
import { appErrorResponses } from "./errors";

const tags = ["App billing (compatibility API)"];

/**
 * Seed 003's `GET /billing/usage`: the current period's usage of every plan meter (and any
 * other metric used) against its limit, as `{metric}` and `{metric}Limit` (null = no limit).
 * Without a subscription the period is the calendar month (UTC) and there are no limits.
 */
export async function currentUsageAgainstLimits(env: Bindings, db: Db, tenantId: string, now: number) {
  const sub = await liveSubscriptionPeriod(env, db, tenantId, now);
  const monthStart = Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth(), 1);
  const from = sub?.periodStart ?? monthStart;
  const to = sub?.periodEnd ?? Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth() + 1, 1);
  const plan = sub ? await findPlanVersion(db, sub.planId, sub.planVersion) : undefined;
  const { groups } = await readUsage(env, tenantId, { from, to: Math.min(to, now + 1), groupBy: "metric" }, now);
  const usage: Record<string, number | null> = {};
  for (const meter of plan?.meters ?? []) {
    usage[meter.metric] = 0;
    usage[`${meter.metric}Limit`] = meter.limit;
  }
  for (const g of groups) {
    usage[g.metric] = Number(g.quantity);
    if (!(`${g.metric}Limit` in usage)) usage[`${g.metric}Limit`] = null;
  }
  return { period: iso(from).slice(0, 7), periodStart: iso(from), periodEnd: iso(to), plan: sub?.planId ?? null, usage };
}

const EventIdHeader = z
  .string()
  .regex(/^[\x21-\x7e]{1,128}$/, "1 to 128 visible ASCII characters")
  .openapi({ description: "The event id when the body has no eventId, so a retry counts once", example: "req_8f14e45f" });

const EventBody = UsageEventInput.partial({ eventId: true });
type EventBody = z.infer<typeof EventBody>;

/** The prefix of an event id derived from the request (README: "Compatibility surfaces"). */
const DERIVED_ID_PREFIX = "sha256:";

/**
 * The event's id, so that a client's retry counts once, never a new one per call: the body's
 * `eventId`, else the `Idempotency-Key` header (both at once must agree), else derived from
 * the request: the SHA-256 of the tenant and the canonical body (keys sorted, no whitespace),
 * which carries the event's own `timestamp`. A body with none of the three cannot tell a retry
 * from a second, identical event, so it is refused rather than counted twice or once wrongly.
 */
async function eventIdOf(tenantId: string, body: EventBody, headerKey: string | undefined): Promise<string> {
  if (body.eventId !== undefined && headerKey !== undefined && body.eventId !== headerKey) {
    throw badRequest("eventId and Idempotency-Key name different events", [
      { path: "eventId", message: "must equal the Idempotency-Key header when both are sent", code: "custom" },
    ]);
  }
  const given = body.eventId ?? headerKey;
  if (given !== undefined) return given;
  if (body.timestamp === undefined) {
    throw badRequest("Send an eventId, an Idempotency-Key header or the event's timestamp, so that a retry counts once", [
      { path: "eventId", message: "required without an Idempotency-Key header or a timestamp", code: "invalid_type" },
    ]);
  }
  return `${DERIVED_ID_PREFIX}${await sha256Hex(`${tenantId}\n${canonicalBody(JSON.stringify(body))}`)}`;
}

/** Seed 003's wording: "API call limit reached for current period" (the meters it names read as words). */
const METER_WORDS: Record<string, string> = { apiCalls: "API call", llmTokens: "LLM token", storage: "Storage" };
const limitReachedMessage = (metric: string) => `${METER_WORDS[metric] ?? metric} limit reached for current period`;

/** Seed 003's usage tracking: the caller's own tenant, through its meter (tier enforcement). */
export const usageRoutes = createRouter().openapi(
  createRoute({
    method: "post",
    path: "/billing/usage",
    tags,
    operationId: "billingRecordUsage",
    summary: "Track usage of the caller's tenant (tier enforcement)",
    ...described(
      'Records one event for the token\'s tenant through its meter. The event id is `eventId`, else the `Idempotency-Key` header, else `sha256:` and the SHA-256 of the tenant and the canonical body (which then must carry the event\'s `timestamp`; with none of the three the answer is 400): a retry with the same id counts once (and answers `duplicate: true`). Over a hard limit it answers 402 `{error: "Usage limit exceeded", message: "API call limit reached for current period", usage: {current, limit}}`, where `current` is the total the event would have reached.',
      rateLimitedAs("usage", secured("usage:write")),
    ),
    request: {
      headers: z.object({ "idempotency-key": EventIdHeader.optional() }),
      body: { required: true, content: { "application/json": { schema: EventBody } } },
    },
    responses: {
      200: {
        description: "Recorded (or already recorded under this event id)",
        content: {
          "application/json": {
            schema: z.object({
              recorded: z.literal(true),
              duplicate: z.boolean(),
              eventId: z.string(),
              metric: z.string(),
              usage: z.object({ current: z.number() }),
            }),
          },
        },
      },
      402: {
        description: "Over the limit",
        content: {
          "application/json": { schema: z.object({ error: z.string(), message: z.string(), usage: z.object({ current: z.number(), limit: z.number() }) }) },
        },
      },
      ...appErrorResponses,
    },
  }),
  async (c) => {
    const input = c.req.valid("json");
    const tenantId = principalOf(c).tenant;
    const event = { ...input, eventId: await eventIdOf(tenantId, input, c.req.valid("header")["idempotency-key"]) };
    try {
      const result = await recordUsage(c.env, tenantId, event, await clockNow(c));
      return c.json(
        {
          recorded: true as const,
          duplicate: result.status === "duplicate",
          eventId: event.eventId,
          metric: event.metric,
          usage: { current: Number(result.total?.quantity ?? 0) },
        },
        200,
      );
    } catch (err) {
      if (!(err instanceof ApiError) || err.code !== "QUOTA_EXCEEDED") throw err;
      const d = err.details as { metric: string; current: number; limit: number };
      return c.json(
        { error: "Usage limit exceeded", message: limitReachedMessage(d.metric), usage: { current: d.current + event.quantity, limit: d.limit } },
        402,
      );
    }
  },
);
