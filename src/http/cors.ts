import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";

const ALLOWED_METHODS = "GET, POST, PUT, PATCH, DELETE";
const ALLOWED_HEADERS = "Authorization, Content-Type, Idempotency-Key, X-Request-Id";
const EXPOSED_HEADERS = "X-Request-Id, Idempotent-Replayed, Retry-After, RateLimit, RateLimit-Policy, Content-Disposition";
const PREFLIGHT_MAX_AGE_SECONDS = "600";

const originSets = new Map<string, ReadonlySet<string>>();

/** CORS_ORIGINS as a set of serialized origins (`https://app.example.com`), parsed once per value. */
function allowedOrigins(configured: string): ReadonlySet<string> {
  let set = originSets.get(configured);
  if (!set) {
    set = new Set(
      configured
        .split(",")
        .map((o) => o.trim().replace(/\/+$/, "").toLowerCase())
        .filter(Boolean),
    );
    originSets.set(configured, set);
  }
  return set;
}

/**
 * CORS per the Fetch standard for the origins in CORS_ORIGINS; with none configured the
 * Worker answers no CORS at all (a preflight is then just an unknown OPTIONS route).
 * Tokens travel in Authorization, never in cookies, so credentials are not allowed.
 */
export const cors: MiddlewareHandler<AppEnv> = async (c, next) => {
  const configured = c.env.CORS_ORIGINS?.trim();
  if (!configured) return next();
  const origin = c.req.header("origin");
  const allowed = origin !== undefined && allowedOrigins(configured).has(origin.toLowerCase());

  if (c.req.method === "OPTIONS" && c.req.header("access-control-request-method") !== undefined) {
    // A preflight from an origin not on the list gets no CORS headers, so the browser stops there.
    const headers: Record<string, string> = { vary: "Origin, Access-Control-Request-Method, Access-Control-Request-Headers" };
    if (allowed) {
      Object.assign(headers, {
        "access-control-allow-origin": origin,
        "access-control-allow-methods": ALLOWED_METHODS,
        "access-control-allow-headers": ALLOWED_HEADERS,
        "access-control-max-age": PREFLIGHT_MAX_AGE_SECONDS,
      });
    }
    return c.body(null, 204, headers);
  }

  await next();
  c.res.headers.append("vary", "Origin");
  if (allowed) {
    c.res.headers.set("access-control-allow-origin", origin);
    c.res.headers.set("access-control-expose-headers", EXPOSED_HEADERS);
  }
};
