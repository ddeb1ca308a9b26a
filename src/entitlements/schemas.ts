import { z } from "@hono/zod-openapi";
import { Quantity } from "../metering/schemas";
import { FEATURE_TYPES, FeatureKey } from "../plans/schemas";

const ProjectId = z.string().min(1).max(128).optional().openapi({ description: "Answer for this project's subscription (else the tenant-wide one governs)" });

export const EntitlementsQuery = z.object({ projectId: ProjectId });

export const EntitlementQuery = z.object({
  quantity: z.coerce.number().pipe(Quantity).default(1).openapi({
    type: "number",
    description: "For a metered feature: how much more would be used (default 1), counted as the meter counts it (for a gauge, the new reading)",
  }),
  projectId: ProjectId,
});

export const FeatureKeyParams = z.object({ key: FeatureKey.openapi({ example: "sso" }) });

const featureFields = {
  type: z.enum(FEATURE_TYPES),
  enabled: z
    .boolean()
    .describe(
      "Usable now: a boolean feature that is on, of a subscription that is not paused; a metered one also needs room under its hard limits (used < limit)",
    ),
  value: z.union([z.boolean(), z.string(), z.number()]).optional().describe("boolean and static features: the plan's value"),
  limit: z.number().nullable().optional().describe("metered: the binding quota's limit (the plan meter's limit or an explicit quota); null = unlimited"),
  used: z.number().optional().describe("metered: usage in the binding quota's window (the billing period when unlimited)"),
  remaining: z.number().nullable().optional().describe("metered: limit − used, at least 0; null = unlimited"),
  resetsAt: z.string().nullable().optional().describe("metered: when the binding quota's window (or the billing period) ends"),
};

export const FeatureEntitlement = z.object({ key: z.string(), ...featureFields }).openapi("FeatureEntitlement");

export const TenantEntitlements = z
  .object({
    tenantId: z.string(),
    planId: z.string().nullable().describe("The governing subscription's plan; null without one (and then no features)"),
    subscriptionId: z.string().nullable(),
    features: z.array(FeatureEntitlement),
    wallet: z
      .object({
        policy: z.enum(["block", "overdraft"]).nullable().describe("null: no wallet (usage is not debited in real time)"),
        balances: z.array(z.object({ currency: z.string(), available: z.number().int(), held: z.number().int() })),
      })
      .describe("The prepaid wallet's balance, from the same meter call"),
  })
  .openapi("Entitlements");

export const EntitlementCheck = z
  .object({
    key: z.string(),
    allowed: z.boolean().describe("false when a boolean feature is off, the subscription is paused, or `quantity` more would pass a hard limit"),
    reason: z.enum(["FEATURE_DISABLED", "SUBSCRIPTION_PAUSED", "QUOTA_EXCEEDED"]).optional(),
    ...featureFields,
  })
  .openapi("EntitlementCheck");

export type TenantEntitlements = z.infer<typeof TenantEntitlements>;
export type EntitlementCheck = z.infer<typeof EntitlementCheck>;
