import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from "jose";
import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv, Bindings, Principal, Scope } from "../env";
import { ApiError } from "./errors";

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

/**
 * Tokens already verified in this isolate, by their exact text, until they expire: a
 * tenant's back end sends the same token with every usage event, and the signature check
 * is the dearest step of such a request. The cached result is only used while the token
 * is within its validity and the auth configuration is unchanged; the map is bounded.
 */
const verified = new Map<string, { payload: JWTPayload; config: string }>();
const MAX_VERIFIED = 10_000;

const configKey = (env: Bindings) =>
  `${env.JWT_JWKS_URL ?? ""}\u0000${env.JWT_SECRET ?? ""}\u0000${env.JWT_ISSUER ?? ""}\u0000${env.JWT_AUDIENCE ?? ""}`;

function stillValid(payload: JWTPayload, nowSeconds: number): boolean {
  return payload.exp !== undefined && payload.exp > nowSeconds && (payload.nbf === undefined || payload.nbf <= nowSeconds);
}

async function verify(token: string, env: Bindings): Promise<JWTPayload> {
  const config = configKey(env);
  const cached = verified.get(token);
  if (cached && cached.config === config && stillValid(cached.payload, Date.now() / 1000)) return cached.payload;
  const payload = await verifySignature(token, env);
  if (verified.size >= MAX_VERIFIED) verified.delete(verified.keys().next().value!);
  if (payload.exp !== undefined) verified.set(token, { payload, config });
  return payload;
}

async function verifySignature(token: string, env: Bindings): Promise<JWTPayload> {
  const options = {
    issuer: env.JWT_ISSUER || undefined,
    audience: env.JWT_AUDIENCE || undefined,
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
    if (err instanceof joseErrors.JOSEError) throw unauthorized("Invalid token");
    throw err;
  }
  throw new ApiError("NOT_CONFIGURED", "Authentication is not configured (set JWT_JWKS_URL or JWT_SECRET)");
}

function toPrincipal(payload: JWTPayload): Principal {
  const { sub, tenant, scope } = payload as JWTPayload & { tenant?: unknown; scope?: unknown };
  if (typeof sub !== "string" || !sub) throw unauthorized("Token has no subject");
  if (typeof tenant !== "string" || !tenant) throw unauthorized("Token has no tenant claim");
  if (typeof scope !== "string") throw unauthorized("Token has no scope claim");
  return { sub, tenant, scopes: new Set(scope.split(" ").filter(Boolean)) };
}

async function authenticate(c: Context<AppEnv>): Promise<Principal> {
  const cached = c.get("principal");
  if (cached) return cached;
  const header = c.req.header("authorization");
  if (!header) throw unauthorized("Missing bearer token");
  const match = /^Bearer\s+([A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]*\.[A-Za-z0-9_\-]*)\s*$/i.exec(header);
  if (!match) throw unauthorized("Malformed authorization header");
  const principal = toPrincipal(await verify(match[1]!, c.env));
  c.set("principal", principal);
  return principal;
}

export const isAdmin = (p: Principal) => p.scopes.has("admin");

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
 * Route guard: authenticates, requires one of `scopes`, and when the path has
 * `:tenantId` requires it to be the token's tenant (unless admin).
 */
export function requireScope(...scopes: Scope[]): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const principal = await authenticate(c);
    if (!hasScope(principal, scopes)) {
      throw new ApiError("FORBIDDEN", `Missing scope: ${scopes.join(" or ")}`);
    }
    const tenantId = c.req.param("tenantId");
    if (tenantId !== undefined) assertTenantAccess(principal, tenantId);
    await next();
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
