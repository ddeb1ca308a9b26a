import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { afterEach, describe, expect, it, vi } from "vitest";
import { env } from "cloudflare:workers";
import { buildApp } from "../../src/app";

const JWKS_URL = "https://idp.example/.well-known/jwks.json";
const ISSUER = "https://idp.example/";
const AUDIENCE = "edge-billing";

/** Production auth: RS256 tokens checked against the identity provider's JWKS (faked at fetch). */
describe("JWKS auth", () => {
  afterEach(() => vi.unstubAllGlobals());

  async function setup() {
    const { publicKey, privateKey } = await generateKeyPair("RS256");
    const jwk = { ...(await exportJWK(publicKey)), kid: "k1", alg: "RS256", use: "sig" };
    const fetched: string[] = [];
    vi.stubGlobal("fetch", async (input: RequestInfo | URL) => {
      const url = String(input instanceof Request ? input.url : input);
      fetched.push(url);
      if (url === JWKS_URL) return Response.json({ keys: [jwk] });
      return new Response("not found", { status: 404 });
    });
    const sign = (claims: Record<string, unknown>, opts: { iss?: string; aud?: string } = {}) =>
      new SignJWT({ tenant: "acme", scope: "billing:read", ...claims })
        .setProtectedHeader({ alg: "RS256", kid: "k1" })
        .setSubject("user-1")
        .setIssuer(opts.iss ?? ISSUER)
        .setAudience(opts.aud ?? AUDIENCE)
        .setExpirationTime("5m")
        .sign(privateKey);
    const prod = { ...env, JWT_SECRET: undefined, JWT_JWKS_URL: JWKS_URL, JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE };
    const get = (token: string) => buildApp().request("/api/v1/billing/tenants/acme", { headers: { authorization: `Bearer ${token}` } }, prod);
    return { sign, get, fetched };
  }

  it("accepts a token signed by the provider's key, with the right issuer and audience", async () => {
    const { sign, get, fetched } = await setup();
    const res = await get(await sign({}));
    expect(res.status).toBe(200);
    expect(fetched).toContain(JWKS_URL);
  });

  it("rejects a wrong issuer, a wrong audience and an HS256 token signed with the old dev secret", async () => {
    const { sign, get } = await setup();
    expect((await get(await sign({}, { iss: "https://evil.example/" }))).status).toBe(401);
    expect((await get(await sign({}, { aud: "someone-else" }))).status).toBe(401);
    const hs = await new SignJWT({ tenant: "acme", scope: "admin" })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("x")
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime("5m")
      .sign(new TextEncoder().encode(env.JWT_SECRET!));
    expect((await get(hs)).status).toBe(401);
  });
});
