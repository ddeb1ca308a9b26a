// Tokens for the bench instance, signed with a secret made for this run only.
import { randomBytes } from "node:crypto";
import { SignJWT } from "jose";

export const newSecret = () => randomBytes(32).toString("base64url");

export async function mintToken(secret, { tenant, scope, sub = "bench", ttlSeconds = 3600 }) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ tenant, scope })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(sub)
    .setIssuedAt(now)
    .setExpirationTime(now + ttlSeconds)
    .sign(new TextEncoder().encode(secret));
}
