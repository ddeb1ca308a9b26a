import { SignJWT, UnsecuredJWT } from "jose";
import { describe, expect, it } from "vitest";
import { adminToken, call, token } from "../helpers";

const expectError = (res: { status: number; json: any }, status: number, code: string) => {
  expect(res.status).toBe(status);
  expect(res.json).toMatchObject({ success: false, error: { code } });
  expect(typeof res.json.error.message).toBe("string");
};

describe("auth matrix", () => {
  const route = "tenants/acme";

  it("rejects a missing token with 401", async () => {
    expectError(await call("GET", route), 401, "UNAUTHORIZED");
  });

  it("rejects garbage with 401", async () => {
    expectError(await call("GET", route, { token: "not-a-jwt" }), 401, "UNAUTHORIZED");
    expectError(await call("GET", route, { token: "a.b.c" }), 401, "UNAUTHORIZED");
    const res = await call("GET", route, { headers: { authorization: "Basic dXNlcjpwYXNz" } });
    expectError(res, 401, "UNAUTHORIZED");
  });

  it("rejects an expired token with 401", async () => {
    const res = await call("GET", route, { token: await token({ ttlSeconds: -60 }) });
    expectError(res, 401, "UNAUTHORIZED");
    expect(res.json.error.message).toMatch(/expired/i);
  });

  it("rejects a token signed with another secret with 401", async () => {
    expectError(await call("GET", route, { token: await token({ secret: "some-other-secret" }) }), 401, "UNAUTHORIZED");
  });

  it("rejects alg:none with 401", async () => {
    const unsigned = new UnsecuredJWT({ tenant: "acme", scope: "admin" }).setSubject("mallory").setExpirationTime("1h").encode();
    expectError(await call("GET", route, { token: unsigned }), 401, "UNAUTHORIZED");
  });

  it("rejects an algorithm that is not pinned (HS512) with 401", async () => {
    const now = Math.floor(Date.now() / 1000);
    const hs512 = await new SignJWT({ tenant: "acme", scope: "admin" })
      .setProtectedHeader({ alg: "HS512" })
      .setSubject("x")
      .setExpirationTime(now + 60)
      .sign(new TextEncoder().encode("test-secret-do-not-use-in-production"));
    expectError(await call("GET", route, { token: hs512 }), 401, "UNAUTHORIZED");
  });

  it("rejects a token without a tenant claim with 401", async () => {
    const now = Math.floor(Date.now() / 1000);
    const noTenant = await new SignJWT({ scope: "admin" })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("x")
      .setExpirationTime(now + 60)
      .sign(new TextEncoder().encode("test-secret-do-not-use-in-production"));
    expectError(await call("GET", route, { token: noTenant }), 401, "UNAUTHORIZED");
    // Verified tokens are remembered with their principal; one that names none is never remembered as good.
    expectError(await call("GET", route, { token: noTenant }), 401, "UNAUTHORIZED");
  });

  it("answers 403 for another tenant", async () => {
    const res = await call("GET", "tenants/globex", { token: await token({ tenant: "acme" }) });
    expectError(res, 403, "FORBIDDEN");
    expect(JSON.stringify(res.json)).not.toContain('globex"');
  });

  it("answers 403 for a missing scope", async () => {
    expectError(await call("GET", route, { token: await token({ scope: "usage:write" }) }), 403, "FORBIDDEN");
    expectError(await call("PUT", route, { token: await token({ scope: "billing:read billing:update" }), body: { name: "Acme" } }), 403, "FORBIDDEN");
  });

  it("lets the tenant's own token read", async () => {
    const res = await call("GET", route, { token: await token({ scope: "billing:read" }) });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ success: true, data: { id: "acme", currency: "USD", taxRateBps: 0 } });
  });

  it("lets admin cross tenants", async () => {
    const res = await call("PUT", "tenants/globex", { token: await adminToken(), body: { name: "Globex", taxRateBps: 2000 } });
    expect(res.status).toBe(200);
    expect(res.json.data).toMatchObject({ id: "globex", name: "Globex", taxRateBps: 2000 });
    const read = await call("GET", "tenants/globex", { token: await adminToken() });
    expect(read.json.data.name).toBe("Globex");
  });
});

describe("public routes", () => {
  it("serves /health, the OpenAPI document and /docs without a token", async () => {
    const health = await call("GET", "/health");
    expect(health.status).toBe(200);
    expect(health.json.status).toBe("ok");
    expect(health.headers.get("x-request-id")).toBeTruthy();
    const spec = await call("GET", "/api/v1/billing/openapi.json");
    expect(spec.status).toBe(200);
    expect(spec.json.openapi).toBe("3.1.0");
    const docs = await call("GET", "/docs");
    expect(docs.status).toBe(200);
    expect(docs.headers.get("content-type")).toContain("text/html");
    expect(docs.text).toContain("openapi.json");
  });
});
