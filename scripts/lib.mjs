// Shared by the dev scripts: the local dev secret and token signing.
import { existsSync, readFileSync } from "node:fs";
import { SignJWT } from "jose";

export const DEV_VARS = ".dev.vars";

/** JWT_SECRET from .dev.vars (falling back to the committed example), as wrangler dev reads it. */
export function devSecret() {
  const file = existsSync(DEV_VARS) ? DEV_VARS : ".dev.vars.example";
  const match = /^JWT_SECRET\s*=\s*"?([^"\n]+)"?\s*$/m.exec(readFileSync(file, "utf8"));
  if (!match) throw new Error(`JWT_SECRET is not set in ${file}`);
  return match[1].trim();
}

/** An HS256 token; `secret` defaults to the local one (devSecret). */
export async function signDevToken({ tenant, scope, sub = "dev-user", ttl = 86400, secret = devSecret() }) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ tenant, scope })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(sub)
    .setIssuedAt(now)
    .setExpirationTime(now + ttl)
    .sign(new TextEncoder().encode(secret));
}
