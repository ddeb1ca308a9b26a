import { SignJWT, type JWTPayload } from "jose";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { CLOCK_SKEW_SECONDS, DEFAULT_MAX_TTL_SECONDS } from "../../src/http/auth";
import { call, token } from "../helpers";

const now = () => Math.floor(Date.now() / 1000);

/** A token with exactly these claims (nothing added), signed with the test secret. */
const signed = (claims: JWTPayload) =>
  new SignJWT({ sub: "user-1", tenant: "acme", scope: "billing:read", ...claims })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .sign(new TextEncoder().encode(env.JWT_SECRET!));

const get = (t: string, envOverrides?: Partial<Cloudflare.Env>) => call("GET", "tenants/acme", { token: t, env: envOverrides });

async function expectRefused(t: string, message: RegExp, envOverrides?: Partial<Cloudflare.Env>) {
  const res = await get(t, envOverrides);
  expect([res.status, res.json.error.code]).toEqual([401, "UNAUTHORIZED"]);
  expect(res.json.error.message).toMatch(message);
}

describe("token claims", () => {
  it("requires exp: a token without one would be valid forever", async () => {
    await expectRefused(await signed({ iat: now() }), /no valid exp claim/);
  });

  it("refuses a lifetime longer than JWT_MAX_TTL_SECONDS (default 24 h), from iat or from now", async () => {
    const t = now();
    expect((await get(await signed({ iat: t, exp: t + DEFAULT_MAX_TTL_SECONDS }))).status).toBe(200);
    await expectRefused(await signed({ iat: t, exp: t + DEFAULT_MAX_TTL_SECONDS + 60 }), /lifetime exceeds 86400/);
    await expectRefused(await signed({ exp: t + 400 * 86400 }), /lifetime exceeds/);
    // A shorter setting applies at once (the verified-token cache is keyed by the setting).
    const hour = await signed({ iat: t, exp: t + 7200 });
    expect((await get(hour)).status).toBe(200);
    await expectRefused(hour, /lifetime exceeds 3600/, { JWT_MAX_TTL_SECONDS: "3600" });
  });

  it("refuses iat and nbf in the future beyond the clock skew, and accepts them within it", async () => {
    const t = now();
    await expectRefused(await signed({ iat: t + 365 * 86400, exp: t + 366 * 86400 }), /iat is in the future/);
    await expectRefused(await signed({ iat: t + 10 * CLOCK_SKEW_SECONDS, exp: t + 3600 }), /iat is in the future/);
    await expectRefused(await signed({ iat: t, nbf: t + 10 * CLOCK_SKEW_SECONDS, exp: t + 3600 }), /not valid yet/);
    const fastIssuerClock = await signed({ iat: t + CLOCK_SKEW_SECONDS / 2, nbf: t + CLOCK_SKEW_SECONDS / 2, exp: t + 3600 });
    expect((await get(fastIssuerClock)).status).toBe(200);
  });

  it("keeps exp strict: the skew is for a fast issuer clock, not for expired tokens", async () => {
    await expectRefused(await signed({ iat: now() - 120, exp: now() - 5 }), /expired/i);
  });

  it("validates the tenant claim like a tenant id in a path", async () => {
    for (const tenant of ["*", "../x", "a".repeat(1000), "acme\u0000", "", " acme", "ac/me"]) {
      const res = await get(await token({ tenant }));
      expect([JSON.stringify(tenant).slice(0, 12), res.status, res.json.error.code]).toEqual([JSON.stringify(tenant).slice(0, 12), 401, "UNAUTHORIZED"]);
    }
    // Nothing was written for such a tenant: the usage route refuses before the meter is asked.
    const star = await token({ tenant: "*", scope: "usage:write" });
    const write = await call("POST", "tenants/*/usage", { token: star, body: { eventId: "e1", metric: "apiCalls", quantity: 1 } });
    expect(write.status).toBe(401);
    expect(write.json.error.message).toMatch(/tenant claim/);
  });

  it("refuses a subject with control characters or longer than 255", async () => {
    await expectRefused(await token({ sub: "user\r\nforged: yes" }), /subject/);
    await expectRefused(await token({ sub: "u".repeat(256) }), /subject/);
  });

  it("keeps the tokens the helpers and `npm run token` mint valid (24 h, iat and exp)", async () => {
    // scripts/lib.mjs signs iat = now and exp = now + ttl with ttl 86400 by default, like this.
    const t = now();
    expect((await get(await signed({ iat: t, exp: t + 86400 }))).status).toBe(200);
    expect((await get(await token())).status).toBe(200);
  });
});
