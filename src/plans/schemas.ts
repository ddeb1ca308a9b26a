import { z } from "@hono/zod-openapi";
import { Currency } from "../lib/currency";

/**
 * A decimal amount in minor units (e.g. "0.002" = a fifth of a cent), kept as a
 * string so usage prices below one minor unit stay exact until the line item is rounded.
 */
export const Decimal = z
  .union([z.string(), z.number()])
  .transform((v, ctx) => {
    const s = typeof v === "number" ? (Number.isFinite(v) && v >= 0 ? v.toString() : "x") : v.trim();
    if (!/^\d{1,15}(\.\d{1,12})?$/.test(s)) {
      ctx.addIssue({ code: "custom", message: "must be a non-negative decimal with at most 12 fractional digits" });
      return z.NEVER;
    }
    return s;
  })
  .openapi({ type: "string", example: "0.002", description: "Decimal amount in minor units" });

export const Aggregation = z.enum(["sum", "count", "max", "latest", "unique_count"]);
export type Aggregation = z.infer<typeof Aggregation>;

const Tier = z.object({
  upTo: z.number().positive().finite().nullable().describe("Inclusive upper bound of the tier; null = infinity"),
  unitPrice: Decimal,
  flatFee: z.number().int().nonnegative().max(1e12).optional().describe("Flat minor units charged once the tier is entered"),
});

export const PriceModel = z
  .discriminatedUnion("model", [
    z.object({ model: z.literal("per_unit"), unitPrice: Decimal }),
    z.object({
      model: z.literal("package"),
      packageSize: z.number().positive().finite(),
      packagePrice: z.number().int().nonnegative().max(1e12),
    }),
    z.object({ model: z.literal("graduated"), tiers: z.array(Tier).min(1).max(20) }),
    z.object({ model: z.literal("volume"), tiers: z.array(Tier).min(1).max(20) }),
  ])
  .superRefine((price, ctx) => {
    if (price.model !== "graduated" && price.model !== "volume") return;
    price.tiers.forEach((tier, i) => {
      const last = i === price.tiers.length - 1;
      const prev = i > 0 ? price.tiers[i - 1]!.upTo : 0;
      if (last !== (tier.upTo === null)) {
        ctx.addIssue({ code: "custom", path: ["tiers", i, "upTo"], message: "only the last tier has upTo: null" });
      } else if (tier.upTo !== null && prev !== null && tier.upTo <= prev) {
        ctx.addIssue({ code: "custom", path: ["tiers", i, "upTo"], message: "tiers must ascend" });
      }
    });
  })
  .openapi("PriceModel");
export type PriceModel = z.infer<typeof PriceModel>;

export const PlanMeter = z
  .object({
    metric: z.string().regex(/^[A-Za-z][A-Za-z0-9_.:-]{0,63}$/, "letters, digits, _ . : - (max 64)"),
    aggregation: Aggregation.default("sum"),
    uniqueProperty: z.string().min(1).max(64).optional().describe("Property counted by unique_count"),
    includedQuantity: z.number().nonnegative().finite().default(0),
    limit: z.number().nonnegative().finite().nullable().default(null).describe("Per billing period; null = unlimited"),
    enforcement: z.enum(["hard", "soft"]).default("hard"),
    price: PriceModel.nullable().default(null).describe("null = tracked but not charged"),
  })
  .superRefine((m, ctx) => {
    if (m.aggregation === "unique_count" && !m.uniqueProperty) {
      ctx.addIssue({ code: "custom", path: ["uniqueProperty"], message: "required for unique_count" });
    }
  })
  .openapi("PlanMeter");
export type PlanMeter = z.infer<typeof PlanMeter>;

export const FEATURE_TYPES = ["boolean", "static", "metered"] as const;
export const FeatureKey = z.string().regex(/^[A-Za-z][A-Za-z0-9_.:-]{0,63}$/, "letters, digits, _ . : - (max 64, starting with a letter)");

/**
 * What a plan entitles its subscribers to (answered by GET …/entitlements without a D1 read):
 * `boolean` (on or off: `value`, default true), `static` (a fixed value: a support tier, a
 * seat count) or `metered` (one of the plan's meters: its limit, and explicit quotas on the
 * metric, bound how much is used).
 */
export const PlanFeature = z
  .discriminatedUnion(
    "type",
    [
      z.object({ key: FeatureKey, type: z.literal("boolean"), value: z.boolean().default(true) }).strict(),
      z
        .object({
          key: FeatureKey,
          type: z.literal("static"),
          value: z.union([z.string().min(1).max(256), z.number().finite()]).describe("The feature's value: a string (e.g. a support tier) or a number"),
        })
        .strict(),
      z
        .object({
          key: FeatureKey,
          type: z.literal("metered"),
          metric: z.string().min(1).max(64).describe("One of the plan's meters; its limit and the tenant's quotas on it apply"),
        })
        .strict(),
    ],
    { error: (issue) => (issue.code === "invalid_union" ? `type must be one of ${FEATURE_TYPES.join(", ")}` : undefined) },
  )
  .openapi("PlanFeature", { example: { key: "sso", type: "boolean", value: true } });
export type PlanFeature = z.infer<typeof PlanFeature>;

/** Feature keys are unique, and a metered feature names one of the plan's meters. */
export function featureIssues(features: readonly PlanFeature[], meters: readonly { metric: string }[]): Array<{ path: (string | number)[]; message: string }> {
  const issues: Array<{ path: (string | number)[]; message: string }> = [];
  const keys = new Set<string>();
  const metrics = new Set(meters.map((m) => m.metric));
  features.forEach((f, i) => {
    if (keys.has(f.key)) issues.push({ path: ["features", i, "key"], message: "duplicate feature key" });
    keys.add(f.key);
    if (f.type === "metered" && !metrics.has(f.metric)) {
      issues.push({ path: ["features", i, "metric"], message: `must be one of the plan's meters (${[...metrics].join(", ") || "it has none"})` });
    }
  });
  return issues;
}

export const PlanId = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, "lowercase letters, digits, _ and - (max 64)");

/** The versioned fields, without defaults (an update keeps what it does not name). */
const versionFields = {
  name: z.string().min(1).max(120),
  description: z.string().max(2000),
  currency: Currency,
  basePrice: z.number().int().nonnegative().max(1e12).describe("Minor units per interval"),
  interval: z.enum(["month", "year"]),
  trialDays: z.number().int().min(0).max(365),
  trialUsage: z.enum(["free", "billed"]).describe("Whether metered usage during a trial is billed (the base fee never is during a trial)"),
  meters: z.array(PlanMeter).max(50),
  features: z.array(PlanFeature).max(100),
};

const planFields = {
  ...versionFields,
  description: versionFields.description.default(""),
  currency: versionFields.currency.default("USD"),
  interval: versionFields.interval.default("month"),
  trialDays: versionFields.trialDays.default(0),
  trialUsage: versionFields.trialUsage.default("free"),
  meters: versionFields.meters.default([]),
  features: versionFields.features.default([]),
  active: z.boolean().default(true),
};

/**
 * Unique metrics, and the features' rules. An update that sends features without meters (or
 * the reverse) is checked against the merged plan by the service.
 */
const planRules = (p: { meters?: PlanMeter[]; features?: PlanFeature[] }, ctx: z.RefinementCtx) => {
  const seen = new Set<string>();
  p.meters?.forEach((m, i) => {
    if (seen.has(m.metric)) ctx.addIssue({ code: "custom", path: ["meters", i, "metric"], message: "duplicate metric" });
    seen.add(m.metric);
  });
  if (p.features && p.meters) for (const issue of featureIssues(p.features, p.meters)) ctx.addIssue({ code: "custom", ...issue });
};

export const CreatePlan = z
  .object({ id: PlanId, ...planFields })
  .strict()
  .superRefine(planRules)
  .openapi("CreatePlan");
/**
 * Every field optional and none defaulted: a field the body does not name keeps its value
 * (defaults would turn `{"name": "Renamed"}` into a reset of everything else).
 */
export const UpdatePlan = z
  .object({ ...versionFields, active: z.boolean() })
  .partial()
  .strict()
  .superRefine(planRules)
  .openapi("UpdatePlan");

export const Plan = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string(),
    currency: z.string(),
    basePrice: z.number().int(),
    interval: z.enum(["month", "year"]),
    trialDays: z.number().int(),
    trialUsage: z.enum(["free", "billed"]),
    meters: z.array(PlanMeter),
    features: z.array(PlanFeature),
    version: z.number().int().describe("The version these fields are; subscriptions stay on the version they took until migrated"),
    active: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("Plan");
export type Plan = z.infer<typeof Plan>;
export type CreatePlan = z.infer<typeof CreatePlan>;
export type UpdatePlan = z.infer<typeof UpdatePlan>;
