import { z } from "@hono/zod-openapi";
import type { SpendAdapter } from "./adapter";
import { anthropicAdapter } from "./anthropic";
import { awsAdapter } from "./aws";
import { gcpAdapter } from "./gcp";
import { openaiAdapter } from "./openai";

/** Every provider POST /sync and scheduled syncs accept; adding one is one file and one line here. */
export const ADAPTERS = {
  openai: openaiAdapter,
  anthropic: anthropicAdapter,
  aws: awsAdapter,
  gcp: gcpAdapter,
  // biome-ignore lint/suspicious/noExplicitAny: each adapter has its own options type
} as const satisfies Record<string, SpendAdapter<any>>;

export type SyncProvider = keyof typeof ADAPTERS;
export const SYNC_PROVIDERS = Object.keys(ADAPTERS) as [SyncProvider, ...SyncProvider[]];

// biome-ignore lint/suspicious/noExplicitAny: the caller validates options with the adapter's own schema
export const adapterFor = (provider: SyncProvider): SpendAdapter<any> => ADAPTERS[provider];

/** GET /sync/adapters: what each adapter is and the options it takes, from its own schema. */
export function describeAdapters() {
  return SYNC_PROVIDERS.map((name) => {
    const adapter = adapterFor(name);
    const schema = z.toJSONSchema(z.object(adapter.options), { io: "input" }) as {
      properties?: Record<string, { type?: string; description?: string; default?: unknown; enum?: unknown[]; items?: { type?: string } }>;
      required?: string[];
    };
    return {
      name,
      label: adapter.label,
      description: adapter.description,
      token: adapter.tokenDescription,
      options: Object.entries(schema.properties ?? {}).map(([option, spec]) => ({
        name: option,
        type: spec.type === "array" ? `${spec.items?.type ?? "string"}[]` : (spec.type ?? "string"),
        required: schema.required?.includes(option) ?? false,
        description: spec.description ?? "",
        ...(spec.enum ? { values: spec.enum.map(String) } : {}),
        ...(spec.default === undefined ? {} : { default: spec.default }),
      })),
    };
  });
}
