import type { Db } from "./db/client";

/** wrangler.toml's [secrets] required. */
type Secret = "JWT_SECRET" | "STRIPE_SECRET_KEY" | "STRIPE_WEBHOOK_SECRET";

/**
 * Bindings and configuration. What wrangler.toml declares (bindings, [vars], [secrets]) is the
 * `Env` that `wrangler types` generates into worker-configuration.d.ts (`npm run types`; `npm
 * test` fails while it is stale): DB (D1), TENANT_METER and TEST_CLOCK_RUNNER (Durable
 * Objects: a tenant's meter, a test clock's runner), USAGE_EVENTS and OUTBOX (queues: usage
 * ingestion, the outbox dispatcher), INVOICES (R2: invoice PDFs), the RATE_LIMIT_* bindings (one
 * per policy in src/http/rate-limit.ts; the bench leaves them out, and then nothing is limited)
 * and the vars, each explained in wrangler.toml and README "Configuration".
 *
 * The secrets are typed optional here whatever [secrets] requires, as the code treats a missing
 * one: JWT_SECRET signs HS256 tokens and is unused when JWT_JWKS_URL is set; without
 * STRIPE_SECRET_KEY (`sk_live_…` / `sk_test_…`) or STRIPE_WEBHOOK_SECRET (`whsec_…`) the payment
 * routes answer 503. Below them, what the code reads that wrangler.toml does not declare.
 */
export interface Bindings extends Omit<Env, Secret> {
  JWT_SECRET?: string;
  STRIPE_SECRET_KEY?: string;
  STRIPE_WEBHOOK_SECRET?: string;
  LOG_LEVEL?: string;
  INVOICE_GRACE_HOURS?: string;
}

/**
 * What a route counts against. `api` (the default): the token and its tenant. `usage`
 * (ingestion): only the tenant's own, higher ingestion limit. `coupon-validation`: `api`
 * plus a tight per-tenant limit, since the answer tells whether a code exists.
 */
export type RateLimitClass = "api" | "usage" | "coupon-validation";

export type Scope = "billing:read" | "billing:update" | "usage:write" | "admin";

export interface Principal {
  sub: string;
  tenant: string;
  scopes: ReadonlySet<string>;
  /** A fingerprint of the token itself (not the token), the key of its rate limit. */
  tokenId?: string;
}

/** Per-request variables set by middleware. */
export interface Variables {
  requestId: string;
  /** The D1 database through drizzle, built once per request (src/app.ts). */
  db: Db;
  principal?: Principal;
  /** Set by a route that counts against another rate limit class than `api`. */
  rateLimitClass?: RateLimitClass;
  /** The acting tenant's time, once asked for (src/clock: a test clock's, or the real time). */
  now?: number;
}

export interface AppEnv {
  Bindings: Bindings;
  Variables: Variables;
}

declare global {
  namespace Cloudflare {
    // Not declared in wrangler.toml, so set in the dashboard, where a deploy keeps them
    // (keep_vars), or with `--var` (`npm run dev -- --var LOG_LEVEL:debug`).
    interface Env {
      /** "debug" | "info" (default) | "warn" | "error": the least severe level written. */
      LOG_LEVEL?: string;
      /** Hours after a period ends before the daily close finalizes its invoice (late usage counts until then); default 0. */
      INVOICE_GRACE_HOURS?: string;
    }
  }
}
