import type { Db } from "./db/client";
import type { RateLimitClass } from "./http/rate-limit";
import type { TenantMeter } from "./metering/tenant-meter";
import type { TestClockRunner } from "./test-clocks/runner";

/** Bindings and configuration declared in wrangler.toml (vars) and set as secrets. */
export interface Bindings {
  DB: D1Database;
  TENANT_METER: DurableObjectNamespace<TenantMeter>;
  USAGE_EVENTS: Queue<unknown>;
  /** The outbox dispatcher's queue (src/outbox): rows to dispatch, webhook endpoints to deliver to. */
  OUTBOX: Queue<unknown>;
  INVOICES: R2Bucket;
  /** One per test clock: advances it in the background (src/test-clocks). */
  TEST_CLOCK_RUNNER: DurableObjectNamespace<TestClockRunner>;

  /** HS256 secret for local/dev tokens. Unset in production, where JWKS is used. */
  JWT_SECRET?: string;
  JWT_JWKS_URL?: string;
  JWT_ISSUER?: string;
  JWT_AUDIENCE?: string;
  /** Longest accepted token lifetime (`exp` - `iat`) in seconds; default 86400. */
  JWT_MAX_TTL_SECONDS?: string;

  /** Origin of absolute links in responses (`pdfUrl`, the OpenAPI server), e.g. `https://billing.example.com`. */
  PUBLIC_BASE_URL?: string;
  /** Comma-separated hosts checkout and portal redirects may point at (`*.example.com` for subdomains). */
  ALLOWED_REDIRECT_HOSTS?: string;
  /** Comma-separated browser origins answered with CORS headers; unset: none. */
  CORS_ORIGINS?: string;

  /** Rate Limiting bindings (`[[ratelimits]]`), one per policy in src/http/rate-limit.ts. */
  RATE_LIMIT_TOKEN?: RateLimit;
  RATE_LIMIT_TENANT?: RateLimit;
  RATE_LIMIT_USAGE?: RateLimit;
  RATE_LIMIT_COUPON_VALIDATION?: RateLimit;
  RATE_LIMIT_AUTH_FAILURES?: RateLimit;

  /** "debug" | "info" (default) | "warn" | "error": the least severe level written. */
  LOG_LEVEL?: string;
  /** Hours after a period ends before the daily close finalizes its invoice (late usage counts until then). */
  INVOICE_GRACE_HOURS?: string;
  SELLER_NAME?: string;
  SELLER_ADDRESS?: string;

  /** Stripe secret key (`sk_live_…` / `sk_test_…`); without it the payment routes answer 503. */
  STRIPE_SECRET_KEY?: string;
  /** Signing secret of the webhook endpoint (`whsec_…`). */
  STRIPE_WEBHOOK_SECRET?: string;
  /** Where the Stripe API lives, e.g. `http://127.0.0.1:12111` for a local fake; default https://api.stripe.com. */
  STRIPE_API_BASE?: string;
  /** JSON array of scheduled provider spend syncs (README "Spend tracking"); credentials live in the secrets it names. */
  SPEND_SYNC_SOURCES?: string;
  /** "true" in development and staging only: the test clock routes exist (README "Test clocks"); otherwise they answer 404. */
  TEST_CLOCKS?: string;
  /** "true" in development only: webhook endpoints may be loopback receivers, over http too. */
  WEBHOOKS_ALLOW_LOOPBACK?: string;
}

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
    interface Env extends Bindings {}
  }
}
