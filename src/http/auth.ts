import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from "jose";
import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv, Bindings, Principal, Scope } from "../env";
import { TenantId } from "./fields";
import { ApiError } from "./errors";
import { countAuthFailure, enforceRateLimits } from "./rate-limit";
import { isSafeText } from "./safe-text";

const HS_ALGORITHMS = ["HS256"];
const JWKS_ALGORITHMS = ["RS256", "ES256"];

// One JWKS client per URL and isolate, so keys are cached across requests (jose refetches on an unknown kid).
const jwksClients = new Map<string, JWTVerifyGetKey>();

function jwks(url: string): JWTVerifyGetKey {
  let client = jwksClients.get(url);
  if (!client) {
    client = createRemoteJWKSet(new URL(url));
    jwksClients.set(url, client);
  }
  return client;
}

const unauthorized = (message: string) => new ApiError("UNAUTHORIZED", message);

// The HMAC key imported once per secret and isolate (jose would import it on every call).
const hmacKeys = new Map<string, Promise<CryptoKey>>();

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = hmacKeys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
    hmacKeys.set(secret, key);
  }
  return key;
}

/** How far ahead of our clock a token's `iat` / `nbf` may be (the issuer's clock may run fast). */
export const CLOCK_SKEW_SECONDS = 60;
export const DEFAULT_MAX_TTL_SECONDS = 24 * 60 * 60;

const maxTtl = (env: Bindings) => {
  const configured = Number(env.JWT_MAX_TTL_SECONDS);
  return Number.isInteger(configured) && configured > 0 ? configured : DEFAULT_MAX_TTL_SECONDS;
};

/** The settings a verification depends on: a cached one counts only under the same ones. */
const AUTH_SETTINGS = ["JWT_SECRET", "JWT_JWKS_URL", "JWT_ISSUER", "JWT_AUDIENCE", "JWT_MAX_TTL_SECONDS"] as const;
type AuthConfig = Pick<Bindings, (typeof AUTH_SETTINGS)[number]>;

const authConfig = (env: Bindings): AuthConfig => Object.fromEntries(AUTH_SETTINGS.map((k) => [k, env[k]])) as AuthConfig;
const sameConfig = (a: AuthConfig, env: Bindings) => AUTH_SETTINGS.every((k) => a[k] === env[k]);

/**
 * Tokens already verified in this isolate, by their exact text, until they expire, with the
 * principal they name: a tenant's back end sends the same token with every usage event, and
 * checking it (signature, then claims) is the dearest step of such a request. The cached
 * result is only used while the token is within its validity and the auth configuration is
 * unchanged; the map is bounded. A principal is immutable, so requests may share one.
 */
const verified = new Map<string, { payload: JWTPayload; principal: Principal; config: AuthConfig }>();
const MAX_VERIFIED = 10_000;

const stillValid = (payload: JWTPayload, nowSeconds: number) =>
  payload.exp! > nowSeconds && (payload.nbf === undefined || payload.nbf <= nowSeconds + CLOCK_SKEW_SECONDS);

async function verify(token: string, env: Bindings): Promise<Principal> {
  const cached = verified.get(token);
  if (cached && sameConfig(cached.config, env) && stillValid(cached.payload, Date.now() / 1000)) return cached.principal;
  const payload = await verifySignature(token, env);
  checkLifetime(payload, Date.now() / 1000, maxTtl(env));
  const principal = toPrincipal(payload, await fingerprint(token));
  if (verified.size >= MAX_VERIFIED) verified.delete(verified.keys().next().value!);
  verified.set(token, { payload, principal, config: authConfig(env) });
  return principal;
}

/**
 * The time claims jose leaves to us: `exp` is required and strict (jose's clock tolerance,
 * there for `nbf`, would let an expired token live a minute longer), `iat` may not be in the
 * future, and the token may not live longer than JWT_MAX_TTL_SECONDS (from `iat`, or from
 * now when there is none).
 */
function checkLifetime(payload: JWTPayload, nowSeconds: number, maxTtlSeconds: number): void {
  const { exp, iat } = payload;
  if (typeof exp !== "number") throw unauthorized("Token has no valid exp claim");
  if (exp <= nowSeconds) throw unauthorized("Token expired");
  if (iat !== undefined && iat > nowSeconds + CLOCK_SKEW_SECONDS) throw unauthorized("Token iat is in the future");
  if (exp - (iat ?? nowSeconds) > maxTtlSeconds) throw unauthorized(`Token lifetime exceeds ${maxTtlSeconds} seconds`);
}

async function fingerprint(token: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token)));
  return Array.from(digest.subarray(0, 16), (b) => b.toString(16).padStart(2, "0")).join("");
}

function claimFailure(err: InstanceType<typeof joseErrors.JWTClaimValidationFailed>): ApiError {
  if (err.claim === "exp") return unauthorized("Token has no valid exp claim");
  if (err.claim === "nbf") return unauthorized("Token is not valid yet (nbf)");
  if (err.claim === "iss" || err.claim === "aud") return unauthorized(`Token ${err.claim} does not match`);
  return unauthorized("Invalid token");
}

async function verifySignature(token: string, env: Bindings): Promise<JWTPayload> {
  const options = {
    issuer: env.JWT_ISSUER || undefined,
    audience: env.JWT_AUDIENCE || undefined,
    requiredClaims: ["exp"],
    clockTolerance: CLOCK_SKEW_SECONDS,
  };
  try {
    if (env.JWT_JWKS_URL) {
      return (await jwtVerify(token, jwks(env.JWT_JWKS_URL), { ...options, algorithms: JWKS_ALGORITHMS })).payload;
    }
    if (env.JWT_SECRET) {
      return (await jwtVerify(token, await hmacKey(env.JWT_SECRET), { ...options, algorithms: HS_ALGORITHMS })).payload;
    }
  } catch (err) {
    if (err instanceof joseErrors.JWTExpired) throw unauthorized("Token expired");
    if (err instanceof joseErrors.JWTClaimValidationFailed) throw claimFailure(err);
    if (err instanceof joseErrors.JOSEError) throw unauthorized("Invalid token");
    throw err;
  }
  throw new ApiError("NOT_CONFIGURED", "Authentication is not configured (set JWT_JWKS_URL or JWT_SECRET)");
}

const MAX_SUBJECT_LENGTH = 255;

function toPrincipal(payload: JWTPayload, tokenId: string): Principal {
  const { sub, tenant, scope } = payload as JWTPayload & { tenant?: unknown; scope?: unknown };
  if (typeof sub !== "string" || !sub) throw unauthorized("Token has no subject");
  if (sub.length > MAX_SUBJECT_LENGTH || !isSafeText(sub)) throw unauthorized("Token subject is not a valid id");
  if (typeof tenant !== "string" || !tenant) throw unauthorized("Token has no tenant claim");
  // The same rule as a tenant id in a path: the claim names where data is written.
  if (!TenantId.safeParse(tenant).success) throw unauthorized("Token tenant claim is not a valid tenant id");
  if (typeof scope !== "string") throw unauthorized("Token has no scope claim");
  return { sub, tenant, scopes: new Set(scope.split(" ").filter(Boolean)), tokenId };
}

async function authenticate(c: Context<AppEnv>): Promise<Principal> {
  const cached = c.get("principal");
  if (cached) return cached;
  const header = c.req.header("authorization");
  if (!header) throw unauthorized("Missing bearer token");
  const match = /^Bearer\s+([A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)\s*$/i.exec(header);
  if (!match) throw unauthorized("Malformed authorization header");
  const principal = await verify(match[1]!, c.env);
  c.set("principal", principal);
  return principal;
}

/** `authenticate`, with each failure counted against the client's budget (then 429, not 401). */
async function authenticateCounted(c: Context<AppEnv>): Promise<Principal> {
  try {
    return await authenticate(c);
  } catch (err) {
    if (err instanceof ApiError && err.code === "UNAUTHORIZED") throw await countAuthFailure(c, err);
    throw err;
  }
}

export const isAdmin = (p: Principal) => p.scopes.has("admin");

/**
 * Whose data the caller reaches: null for an admin (every tenant's), else its token's tenant.
 * Services take it as `owner` and scope their rows with `ownedBy` (src/db/owned.ts), so an id
 * of another tenant's row is simply not found.
 */
export const ownerOf = (p: Principal): string | null => (isAdmin(p) ? null : p.tenant);

/** `admin` implies every scope; otherwise the token must carry one of `scopes`. */
export function hasScope(p: Principal, scopes: readonly Scope[]): boolean {
  return isAdmin(p) || scopes.some((s) => p.scopes.has(s));
}

/** A tenant's data is visible only to that tenant's tokens and to admins. */
export function assertTenantAccess(p: Principal, tenantId: string): void {
  if (!isAdmin(p) && p.tenant !== tenantId) {
    throw new ApiError("FORBIDDEN", "Token is not valid for this tenant");
  }
}

/**
 * Route guard: authenticates, counts the call against its rate limits, requires one of
 * `scopes`, and when the path has `:tenantId` requires it to be the token's tenant (unless
 * admin).
 */
export function requireScope(...scopes: Scope[]): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const principal = await authenticateCounted(c);
    const policies = await enforceRateLimits(c, principal);
    if (!hasScope(principal, scopes)) {
      throw new ApiError("FORBIDDEN", `Missing scope: ${scopes.join(" or ")}`);
    }
    const tenantId = c.req.param("tenantId");
    if (tenantId !== undefined) assertTenantAccess(principal, tenantId);
    await next();
    c.res.headers.set("ratelimit-policy", policies);
  };
}

/** The authenticated caller; only valid behind `requireScope`. */
export function principalOf(c: Context<AppEnv>): Principal {
  const p = c.get("principal");
  if (!p) throw new Error("principalOf called on a route without requireScope");
  return p;
}

/**
 * The tenant a tenant-scoped call acts on: the token's tenant, or for admins an
 * explicit `tenantId` (admins must name one when acting on tenant data).
 */
export function actingTenant(c: Context<AppEnv>, requested?: string): string {
  const p = principalOf(c);
  if (requested) {
    assertTenantAccess(p, requested);
    return requested;
  }
  return p.tenant;
}
