import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv, Bindings, Principal, RateLimitClass } from "../env";
import { ApiError } from "./errors";
import { log } from "./logger";

/**
 * Rate limits on Cloudflare's Rate Limiting binding (`[[ratelimits]]` in wrangler.toml): each
 * policy is one binding, a fixed window of `period` seconds counted per key. The binding
 * answers only yes or no, so the numbers are repeated here for the `RateLimit-Policy`
 * header; test/security/rate-limit.test.ts checks them against wrangler.toml.
 */
export interface RatePolicy {
  /** The policy's name in the RateLimit headers. */
  name: string;
  binding: RateLimitBinding;
  limit: number;
  period: 10 | 60;
}

type RateLimitBinding = "RATE_LIMIT_TOKEN" | "RATE_LIMIT_TENANT" | "RATE_LIMIT_USAGE" | "RATE_LIMIT_COUPON_VALIDATION" | "RATE_LIMIT_AUTH_FAILURES";

export const RATE_POLICIES = {
  token: { name: "token", binding: "RATE_LIMIT_TOKEN", limit: 600, period: 60 },
  tenant: { name: "tenant", binding: "RATE_LIMIT_TENANT", limit: 1200, period: 60 },
  usage: { name: "usage", binding: "RATE_LIMIT_USAGE", limit: 12000, period: 60 },
  couponValidation: { name: "coupon-validation", binding: "RATE_LIMIT_COUPON_VALIDATION", limit: 20, period: 60 },
  authFailures: { name: "auth-failures", binding: "RATE_LIMIT_AUTH_FAILURES", limit: 30, period: 60 },
} as const satisfies Record<string, RatePolicy>;

interface Check {
  policy: RatePolicy;
  key: string;
}

function checksFor(cls: RateLimitClass, principal: Principal): Check[] {
  const tenant = `tenant:${principal.tenant}`;
  if (cls === "usage") return [{ policy: RATE_POLICIES.usage, key: tenant }];
  const api = [
    { policy: RATE_POLICIES.token, key: `token:${principal.tokenId ?? `${principal.tenant}/${principal.sub}`}` },
    { policy: RATE_POLICIES.tenant, key: tenant },
  ];
  return cls === "coupon-validation" ? [...api, { policy: RATE_POLICIES.couponValidation, key: tenant }] : api;
}

/**
 * Counts the request against one policy. True when it may proceed. A binding that is not
 * configured enforces nothing; one that fails lets the request through (and says so in the
 * log): refusing every request because the limiter is down would be the worse outage.
 */
async function allowed(env: Bindings, { policy, key }: Check): Promise<boolean> {
  const limiter = env[policy.binding];
  if (!limiter) return true;
  try {
    return (await limiter.limit({ key })).success;
  } catch (err) {
    log("warn", "rate limiter unavailable", { policy: policy.name, error: (err as Error).message });
    return true;
  }
}

const policyHeader = (policies: readonly RatePolicy[]) => policies.map((p) => `"${p.name}";q=${p.limit};w=${p.period}`).join(", ");

/** Seconds until the policy's current window ends (windows are aligned to the clock). */
const secondsToReset = (policy: RatePolicy, now: number) => policy.period - (Math.floor(now / 1000) % policy.period);

/** 429 `RATE_LIMITED` with `Retry-After` and the IETF draft `RateLimit` / `RateLimit-Policy` fields. */
export function rateLimited(policy: RatePolicy, now = Date.now()): ApiError {
  const reset = secondsToReset(policy, now);
  return new ApiError(
    "RATE_LIMITED",
    `Too many requests (${policy.name}: ${policy.limit} per ${policy.period} s); retry in ${reset} s`,
    { policy: policy.name, limit: policy.limit, windowSeconds: policy.period, retryAfterSeconds: reset },
    undefined,
    { "retry-after": String(reset), ratelimit: `"${policy.name}";r=0;t=${reset}`, "ratelimit-policy": policyHeader([policy]) },
  );
}

/**
 * Counts an authenticated request against its class's policies (in parallel) and throws 429
 * on the first that is exhausted. Returns the `RateLimit-Policy` value naming them.
 */
export async function enforceRateLimits(c: Context<AppEnv>, principal: Principal): Promise<string> {
  const checks = checksFor(c.get("rateLimitClass") ?? "api", principal);
  const results = await Promise.all(checks.map((check) => allowed(c.env, check)));
  const exhausted = checks.find((_, i) => !results[i]);
  if (exhausted) throw rateLimited(exhausted.policy);
  return policyHeader(checks.map((check) => check.policy));
}

/** The client an auth failure is counted against: its IP as Cloudflare saw it. */
const clientKey = (c: Context<AppEnv>) => `ip:${c.req.header("cf-connecting-ip") ?? "unknown"}`;

/**
 * Called when a request fails authentication: counts it against the client's failure budget,
 * and once that is spent answers 429 instead of 401, so guessing tokens stops paying off.
 */
export async function countAuthFailure(c: Context<AppEnv>, failure: ApiError): Promise<ApiError> {
  const policy = RATE_POLICIES.authFailures;
  return (await allowed(c.env, { policy, key: clientKey(c) })) ? failure : rateLimited(policy);
}

/** Route middleware that files the route under a rate limit class other than `api`. */
export const limitAs =
  (cls: RateLimitClass): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    c.set("rateLimitClass", cls);
    await next();
  };
