import { z } from "@hono/zod-openapi";
import type { Db } from "../../db/client";
import { log } from "../../http/logger";
import { TenantId } from "../../http/fields";
import { isoDay } from "../../lib/time";
import { addDays } from "../dates";
import { SYNC_PROVIDERS } from "./registry";
import { SyncBody } from "./schemas";
import { recordFailedJob, redact, runSync, type SyncDeps } from "./service";

/** The hourly Cron Trigger that syncs provider spend (wrangler.toml `[triggers]`). */
export const SPEND_SYNC_CRON = "0 * * * *";
export const DEFAULT_LOOKBACK_DAYS = 3;

/**
 * One entry of SPEND_SYNC_SOURCES: whose spend, from which provider, with the credential held
 * in the secret named `secret` (never in the variable itself), and the adapter's options.
 */
const Source = z
  .object({
    tenant: TenantId,
    provider: z.enum(SYNC_PROVIDERS),
    secret: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, "the name of a Worker secret"),
    options: z.record(z.string(), z.unknown()).default({}),
    days: z.number().int().min(1).max(31).default(DEFAULT_LOOKBACK_DAYS),
  })
  .strict();
export type SyncSource = z.infer<typeof Source>;

export function parseSources(raw: string | undefined): SyncSource[] {
  if (!raw?.trim()) return [];
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new Error("SPEND_SYNC_SOURCES is not valid JSON");
  }
  const parsed = z.array(Source).max(50).safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`SPEND_SYNC_SOURCES[${issue.path.join(".")}]: ${issue.message}`);
  }
  return parsed.data;
}

/**
 * Syncs every configured source for its last `days` UTC days up to the scheduled day:
 * providers revise recent figures, and the upsert makes the overlap free. A source that
 * cannot run (missing secret, bad options) leaves a failed job saying why, so the problem
 * shows in GET /sync/jobs rather than only in logs.
 */
export async function runScheduledSyncs(db: Db, env: Record<string, unknown>, scheduledTime: number, deps: SyncDeps) {
  let sources: SyncSource[];
  try {
    sources = parseSources(env.SPEND_SYNC_SOURCES as string | undefined);
  } catch (err) {
    log("error", "spend sync sources invalid", { error: (err as Error).message });
    return [];
  }
  const to = isoDay(scheduledTime);
  return Promise.all(
    sources.map(async (source) => {
      const from = addDays(to, -(source.days - 1));
      const base = {
        tenantId: source.tenant,
        provider: source.provider,
        from,
        to,
        options: source.options,
        trigger: "scheduled" as const,
        requestedBy: "scheduler",
      };
      const token = env[source.secret];
      if (typeof token !== "string" || !token) {
        return recordFailedJob(db, base, `Secret ${source.secret} is not set`, deps.clock());
      }
      const body = SyncBody.safeParse({ provider: source.provider, token, from, to, ...source.options });
      if (!body.success) {
        const issue = body.error.issues[0]!;
        return recordFailedJob(db, base, redact(`Invalid configuration: ${issue.path.join(".") || "(root)"}: ${issue.message}`, token), deps.clock());
      }
      const { provider: _p, token: _t, from: _f, to: _to, ...options } = body.data;
      try {
        return await runSync(db, { ...base, token, options }, deps);
      } catch (err) {
        // A sync already running for this source (409) is fine: the next hour catches up.
        log("warn", "scheduled spend sync skipped", { tenant: source.tenant, provider: source.provider, reason: (err as Error).message });
        return null;
      }
    }),
  );
}
