import { createRoute, z } from "@hono/zod-openapi";
import { TenantId } from "../http/fields";
import { envelope, jsonBody, jsonResponses, ok, okExample, okWith } from "../http/envelope";
import { createRouter, described, rateLimitedAs, secured } from "../http/router";
import { RECORD_USAGE_BATCH_REQUEST, RECORD_USAGE_BATCH_RESPONSE, RECORD_USAGE_REQUEST, RECORD_USAGE_RESPONSE } from "./examples";
import { ErrorBody } from "../http/envelope";
import { BatchAccepted, RecordedEvent, UsageBatchInput, UsageEventInput } from "./schemas";
import { enqueueBatch, recordUsage } from "./service";
import { withCloudEvents } from "./cloudevents";
import { clockNow } from "../clock";

const tags = ["Usage"];
const Params = z.object({ tenantId: TenantId });
const refusals = {
  402: {
    description: "Refused: a hard quota would be exceeded (QUOTA_EXCEEDED) or the subscription is paused (SUBSCRIPTION_PAUSED)",
    content: { "application/json": { schema: ErrorBody } },
  },
};

export const usageRoutes = createRouter()
  .openapi(
    withCloudEvents(
      createRoute({
        method: "post",
        path: "/tenants/{tenantId}/usage",
        tags,
        operationId: "recordUsage",
        summary: "Record a usage event",
        ...described(
          "Records one event synchronously through the tenant's meter, which deduplicates it, checks it against the quotas that govern it and counts it in one transaction. `eventId` is the idempotency key (remembered 35 days): a repeat answers `status: duplicate` and changes nothing. The answer has the metric's total in the event's billing period and the quotas it counted against. `timestamp` defaults to now, at most 5 minutes ahead and 35 days back; quantities are exact decimals (at most 9 places).",
          rateLimitedAs("usage", secured("usage:write")),
        ),
        request: { params: Params, ...jsonBody(UsageEventInput, RECORD_USAGE_REQUEST) },
        responses: { ...jsonResponses(envelope(RecordedEvent), "OK", 200, okExample(RECORD_USAGE_RESPONSE)), ...refusals },
      }),
      "single",
    ),
    async (c) => ok(c, await recordUsage(c.env, c.req.valid("param").tenantId, c.req.valid("json"), await clockNow(c))),
  )
  .openapi(
    withCloudEvents(
      createRoute({
        method: "post",
        path: "/tenants/{tenantId}/usage/batch",
        tags,
        operationId: "recordUsageBatch",
        summary: "Record up to 1,000 usage events (asynchronously, via the queue)",
        ...described(
          "Validates the whole batch (one bad event is a 400 listing every bad `events.N.field`, and nothing is enqueued), then puts it on the usage queue and answers 202. The consumer records each tenant's events in one call to its meter: deduplicated by `eventId` (a batch sent twice counts once) and checked against quotas, where events a hard quota refuses are counted as rejected in the usage summary. Sending a batch again after an error is safe.",
          rateLimitedAs("usage", secured("usage:write")),
        ),
        request: { params: Params, ...jsonBody(UsageBatchInput, RECORD_USAGE_BATCH_REQUEST) },
        responses: jsonResponses(envelope(BatchAccepted), "Accepted: validated and enqueued", 202, okExample(RECORD_USAGE_BATCH_RESPONSE)),
      }),
      "batch",
    ),
    async (c) => okWith(c, await enqueueBatch(c.env, c.req.valid("param").tenantId, c.req.valid("json").events, await clockNow(c)), 202),
  );
