import { z } from "@hono/zod-openapi";
import { PageQuery } from "../../http/pagination";
import { DAY_MS } from "../../lib/time";
import { DateOnly, dayStart } from "../dates";
import { TenantQuery } from "../scope";
import { ADAPTERS, SYNC_PROVIDERS, type SyncProvider } from "./registry";

export const MAX_SYNC_DAYS = 366;
export const DEFAULT_SYNC_DAYS = 7;

const bodyFor = <P extends SyncProvider>(provider: P) => {
  const adapter = ADAPTERS[provider];
  return z
    .object({
      provider: z.literal(provider),
      token: adapter.token.openapi({ description: `${adapter.tokenDescription}. Used for this call only: never stored or logged.` }),
      from: DateOnly.optional().openapi({ description: `First UTC day, inclusive (default: ${DEFAULT_SYNC_DAYS - 1} days before to)` }),
      to: DateOnly.optional().openapi({ description: "Last UTC day, inclusive (default: today)" }),
      ...(adapter.options as (typeof ADAPTERS)[P]["options"]),
    })
    .strict();
};

function checkSyncRange(v: { from?: string; to?: string }, ctx: z.RefinementCtx) {
  if (v.from === undefined || v.to === undefined) return;
  const days = (dayStart(v.to)! - dayStart(v.from)!) / DAY_MS + 1;
  if (days < 1) ctx.addIssue({ code: "custom", path: ["to"], message: "must not be before from" });
  else if (days > MAX_SYNC_DAYS) ctx.addIssue({ code: "custom", path: ["to"], message: `at most ${MAX_SYNC_DAYS} days per sync` });
}

export const SyncBody = z
  .discriminatedUnion("provider", [bodyFor("openai"), bodyFor("anthropic"), bodyFor("aws"), bodyFor("gcp")])
  .superRefine(checkSyncRange)
  .openapi("SpendSyncRequest");
export type SyncBody = z.infer<typeof SyncBody>;

export const SyncJob = z
  .object({
    id: z.string(),
    tenantId: z.string(),
    provider: z.string(),
    status: z.enum(["running", "completed", "failed"]),
    trigger: z.enum(["manual", "scheduled"]),
    from: z.string(),
    to: z.string(),
    options: z.record(z.string(), z.unknown()).openapi({ description: "The adapter options used (never the token)" }),
    itemsCreated: z.number().int(),
    itemsUpdated: z.number().int().openapi({ description: "Existing items whose amount the provider revised" }),
    itemsUnchanged: z.number().int().openapi({ description: "Provider lines already recorded with the same amount (or zero, with no item)" }),
    startedAt: z.string(),
    completedAt: z.string().nullable(),
    error: z.string().nullable(),
    requestedBy: z.string().nullable(),
  })
  .openapi("SpendSyncJob");
export type SyncJob = z.infer<typeof SyncJob>;

export const JobsQuery = TenantQuery.extend(PageQuery.shape).extend({
  provider: z.enum(SYNC_PROVIDERS).optional(),
});

export const JobParams = z.object({ id: z.string().min(1).max(64) });

export const AdapterInfo = z
  .object({
    name: z.string(),
    label: z.string(),
    description: z.string(),
    token: z.string().openapi({ description: "What the `token` field must hold" }),
    options: z.array(
      z.object({
        name: z.string(),
        type: z.string(),
        required: z.boolean(),
        description: z.string(),
        values: z.array(z.string()).optional(),
        default: z.unknown().optional(),
      }),
    ),
  })
  .openapi("SpendSyncAdapter");
