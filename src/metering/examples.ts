import type { z } from "@hono/zod-openapi";
import { PERIOD, SUBSCRIPTION_ID } from "../docs/story";
import type { BatchAccepted, RecordedEvent, UsageBatchInput, UsageEventInput } from "./schemas";

// Examples for the OpenAPI document (the story: src/docs/story.ts). The requests carry no
// `timestamp`: /docs sends them as they are, and an event dated in the story's March 2027 would
// be refused as in the future (it defaults to the time it is received).

export const RECORD_USAGE_REQUEST = {
  eventId: "req_8f14e45f",
  metric: "llmTokens",
  quantity: 1500,
  projectId: "proj_web",
  resource: "gpt-4o",
  costCenterId: "cc_research",
  properties: { userId: "u_42" },
} satisfies z.input<typeof UsageEventInput>;

export const RECORD_USAGE_RESPONSE = {
  eventId: "req_8f14e45f",
  status: "accepted",
  total: { metric: "llmTokens", aggregation: "sum", quantity: "251500", ...PERIOD },
  quotas: [
    {
      quotaId: `plan:${SUBSCRIPTION_ID}:llmTokens`,
      metric: "llmTokens",
      source: "plan",
      subscriptionId: SUBSCRIPTION_ID,
      period: "billing_period",
      enforcement: "hard",
      limit: 1000000,
      current: 251500,
      remaining: 748500,
      resetsAt: "2027-04-01T00:00:00.000Z",
      exceeded: false,
    },
  ],
} satisfies z.infer<typeof RecordedEvent>;

export const RECORD_USAGE_BATCH_REQUEST = {
  events: [
    { eventId: "evt_0001", metric: "apiCalls", quantity: 1, projectId: "proj_web", resource: "GET /v1/search" },
    { eventId: "evt_0002", metric: "llmTokens", quantity: 820, projectId: "proj_web", resource: "gpt-4o" },
    { eventId: "evt_0003", metric: "storage", quantity: 1073741824 },
  ],
} satisfies z.input<typeof UsageBatchInput>;

export const RECORD_USAGE_BATCH_RESPONSE = {
  batchId: "batch_01kbz3q5r7w2m9c4d8e1f6g3h5",
  accepted: 3,
} satisfies z.infer<typeof BatchAccepted>;
