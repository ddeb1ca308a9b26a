import type { z } from "@hono/zod-openapi";
import { PERIOD, SUBSCRIPTION_ID } from "../docs/story";
import type { EntitlementCheck, FeatureEntitlement, TenantEntitlements } from "./schemas";

// Examples for the OpenAPI document (the story: src/docs/story.ts).

// acme's entitlements on 4 March, on pro (after the usage above).
const PRO_FEATURES = {
  sso: { key: "sso", type: "boolean", enabled: true, value: true },
  llmTokens: { key: "llmTokens", type: "metered", enabled: true, limit: 1000000, used: 251500, remaining: 748500, resetsAt: PERIOD.periodEnd },
} satisfies Record<string, z.infer<typeof FeatureEntitlement>>;

export const ENTITLEMENTS = {
  tenantId: "acme",
  planId: "pro",
  subscriptionId: SUBSCRIPTION_ID,
  features: [
    PRO_FEATURES.sso,
    { key: "auditLog", type: "boolean", enabled: false, value: false },
    { key: "support", type: "static", enabled: true, value: "email" },
    { key: "seats", type: "static", enabled: true, value: 10 },
    { key: "apiCalls", type: "metered", enabled: true, limit: 100000, used: 1, remaining: 99999, resetsAt: PERIOD.periodEnd },
    PRO_FEATURES.llmTokens,
    { key: "storage", type: "metered", enabled: true, limit: 10737418240, used: 1073741824, remaining: 9663676416, resetsAt: PERIOD.periodEnd },
  ],
  wallet: { policy: "block", balances: [{ currency: "USD", available: 4250, held: 300 }] },
} satisfies z.infer<typeof TenantEntitlements>;

/** `GET …/entitlements/llmTokens?quantity=2000`. */
export const ENTITLEMENT_CHECK = { allowed: true, ...PRO_FEATURES.llmTokens } satisfies z.infer<typeof EntitlementCheck>;
