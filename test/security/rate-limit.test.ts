import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import wranglerToml from "../../wrangler.toml?raw";
import { RATE_POLICIES } from "../../src/http/rate-limit";
import { call, token, type CallOptions } from "../helpers";
import { newTenant } from "../metering/support";

// The suite's own limits are generous (vitest.config.ts); here one policy at a time is
// backed by RATE_LIMIT_TIGHT (3 per 60 s). Each test uses fresh keys (new tenants, new IPs).
// Windows are aligned to the clock, so a window may roll over during a test: the first 3
// calls always pass, and of 8 calls at least one is refused whatever the timing.
const tight = (...bindings: (keyof typeof env)[]) => Object.fromEntries(bindings.map((b) => [b, env.RATE_LIMIT_TIGHT]));
const TIGHT_LIMIT = 3;

async function burst(method: string, path: string, opts: CallOptions, count = 8) {
  const results = [];
  for (let i = 0; i < count; i++) results.push(await call(method, path, opts));
  return results;
}

function firstRefusal(results: Awaited<ReturnType<typeof burst>>) {
  expect(results.slice(0, TIGHT_LIMIT).map((r) => r.status)).not.toContain(429);
  const refused = results.find((r) => r.status === 429);
  expect(refused, "no request was refused").toBeDefined();
  return refused!;
}

/** Retry-After and the IETF draft fields agree, for the named policy. */
function expectLimitHeaders(res: { headers: Headers }, policy: { name: string; limit: number; period: number }) {
  const retryAfter = Number(res.headers.get("retry-after"));
  expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= policy.period).toBe(true);
  expect(res.headers.get("ratelimit")).toBe(`"${policy.name}";r=0;t=${retryAfter}`);
  expect(res.headers.get("ratelimit-policy")).toBe(`"${policy.name}";q=${policy.limit};w=${policy.period}`);
}

describe("rate limits", () => {
  it("limits a token on the API and answers 429 RATE_LIMITED in the envelope with Retry-After and RateLimit fields", async () => {
    const tenant = newTenant("rl-api");
    const t = await token({ tenant });
    const results = await burst("GET", `tenants/${tenant}`, { token: t, env: tight("RATE_LIMIT_TOKEN") });
    expect(results[0]!.headers.get("ratelimit-policy")).toBe(`"token";q=600;w=60, "tenant";q=1200;w=60`);
    const refused = firstRefusal(results);
    expect(refused.json).toMatchObject({
      success: false,
      error: { code: "RATE_LIMITED", details: { policy: "token", limit: 600, windowSeconds: 60 } },
    });
    expect(refused.json.error.message).toMatch(/Too many requests/);
    expectLimitHeaders(refused, RATE_POLICIES.token);
    // Another token of the same tenant has its own budget.
    const other = await token({ tenant, sub: "user-2" });
    expect((await call("GET", `tenants/${tenant}`, { token: other, env: tight("RATE_LIMIT_TOKEN") })).status).toBe(200);
  });

  it("limits a tenant across its tokens", async () => {
    const tenant = newTenant("rl-tenant");
    const tokens = await Promise.all(Array.from({ length: 8 }, (_, i) => token({ tenant, sub: `user-${i}` })));
    const results = [];
    for (const t of tokens) results.push(await call("GET", `tenants/${tenant}`, { token: t, env: tight("RATE_LIMIT_TENANT") }));
    const refused = firstRefusal(results);
    expect(refused.json.error).toMatchObject({ code: "RATE_LIMITED", details: { policy: "tenant" } });
    expectLimitHeaders(refused, RATE_POLICIES.tenant);
  });

  it("answers the seed 003 and seed 002 surfaces in their own shapes", async () => {
    const tenant = newTenant("rl-seeds");
    const t = await token({ tenant });
    const seed003 = firstRefusal(await burst("GET", "/billing/invoices", { token: t, env: tight("RATE_LIMIT_TOKEN") }));
    expect(seed003.json).toMatchObject({ error: "Too Many Requests", code: "RATE_LIMITED", message: expect.stringContaining("Too many requests") });
    expectLimitHeaders(seed003, RATE_POLICIES.token);
    const t2 = await token({ tenant, sub: "seed-002" });
    const seed002 = firstRefusal(await burst("GET", "/subscriptions", { token: t2, env: tight("RATE_LIMIT_TOKEN") }));
    expect(seed002.json).toMatchObject({ error: { code: "RATE_LIMITED", details: { policy: "token" } } });
    expectLimitHeaders(seed002, RATE_POLICIES.token);
  });

  it("gives usage ingestion its own budget, apart from the general one", async () => {
    const tenant = newTenant("rl-usage");
    const t = await token({ tenant });
    const event = (i: number) => ({ eventId: `e-${i}`, metric: "apiCalls", quantity: 1 });
    // The general limits do not touch ingestion...
    const ingest = tight("RATE_LIMIT_TOKEN", "RATE_LIMIT_TENANT");
    for (let i = 0; i < 6; i++) {
      const res = await call("POST", `tenants/${tenant}/usage`, { token: t, body: event(i), env: ingest });
      expect([res.status, res.headers.get("ratelimit-policy")]).toEqual([200, `"usage";q=12000;w=60`]);
    }
    // ...and its own limit covers single events, batches and seed 003's POST /billing/usage alike.
    const limited = tight("RATE_LIMIT_USAGE");
    const results = [];
    for (let i = 0; i < 8; i++) {
      const [method, path, body] =
        i % 3 === 0
          ? ["POST", `tenants/${tenant}/usage`, event(100 + i)]
          : i % 3 === 1
            ? ["POST", `tenants/${tenant}/usage/batch`, { events: [event(100 + i)] }]
            : ["POST", "/billing/usage", event(100 + i)];
      results.push(await call(method as string, path as string, { token: t, body, env: limited }));
    }
    const refused = firstRefusal(results);
    expect(JSON.stringify(refused.json)).toMatch(/"code":"RATE_LIMITED".*"policy":"usage"/);
    expectLimitHeaders(refused, RATE_POLICIES.usage);
    // Reads of the same tenant are not ingestion.
    expect((await call("GET", `tenants/${tenant}`, { token: t, env: limited })).status).toBe(200);
  });

  it("limits coupon validation tightly per tenant, so codes cannot be enumerated", async () => {
    const tenant = newTenant("rl-coupon");
    const t = await token({ tenant });
    const guesses = [];
    for (let i = 0; i < 8; i++) {
      guesses.push(
        await call("POST", "coupons/validate", { token: t, body: { code: `GUESS${i}`, tenantId: tenant }, env: tight("RATE_LIMIT_COUPON_VALIDATION") }),
      );
    }
    const refused = firstRefusal(guesses);
    expect(refused.json.error).toMatchObject({ code: "RATE_LIMITED", details: { policy: "coupon-validation", limit: 20 } });
    expectLimitHeaders(refused, RATE_POLICIES.couponValidation);
    expect(guesses[0]!.json.data).toMatchObject({ valid: false });
    expect((await call("GET", `tenants/${tenant}`, { token: t, env: tight("RATE_LIMIT_COUPON_VALIDATION") })).status).toBe(200);
  });

  it("answers 429 instead of 401 once a client has spent its auth failures, without locking out good tokens", async () => {
    const ip = `203.0.113.${Math.floor(Math.random() * 250) + 1}:${crypto.randomUUID()}`;
    const env = tight("RATE_LIMIT_AUTH_FAILURES");
    const forged = await token({ secret: "guessed-secret" });
    const results = await burst("GET", "tenants/acme", { token: forged, headers: { "cf-connecting-ip": ip }, env });
    expect(results.slice(0, TIGHT_LIMIT).map((r) => r.status)).toEqual([401, 401, 401]);
    const refused = firstRefusal(results);
    expect(refused.json.error).toMatchObject({ code: "RATE_LIMITED", details: { policy: "auth-failures" } });
    expectLimitHeaders(refused, RATE_POLICIES.authFailures);
    // No token at all counts too; a valid token from that client still works; another client still gets 401.
    expect((await call("GET", "tenants/acme", { headers: { "cf-connecting-ip": ip }, env })).status).toBe(429);
    expect((await call("GET", "tenants/acme", { token: await token(), headers: { "cf-connecting-ip": ip }, env })).status).toBe(200);
    expect((await call("GET", "tenants/acme", { token: forged, headers: { "cf-connecting-ip": `${ip}-other` }, env })).status).toBe(401);
  });

  it("declares in wrangler.toml exactly the limits the headers announce, in every environment", () => {
    const expected = Object.values(RATE_POLICIES)
      .map(({ binding, limit, period }) => ({ binding, limit, period }))
      .sort((a, b) => a.binding.localeCompare(b.binding));
    // The top level ([[ratelimits]]) and [env.staging] ([[env.staging.ratelimits]]).
    for (const table of ["ratelimits", "env\\.staging\\.ratelimits"]) {
      const pattern = new RegExp(
        `\\[\\[${table}\\]\\]\\s*name\\s*=\\s*"(\\w+)"[^[]*?simple\\s*=\\s*\\{\\s*limit\\s*=\\s*(\\d+)\\s*,\\s*period\\s*=\\s*(\\d+)\\s*\\}`,
        "g",
      );
      const declared = [...wranglerToml.matchAll(pattern)].map(([, binding, limit, period]) => ({ binding, limit: Number(limit), period: Number(period) }));
      expect(
        declared.sort((a, b) => a.binding!.localeCompare(b.binding!)),
        table,
      ).toEqual(expected);
    }
    // Counters are per namespace in the account: staging must not share production's.
    const namespaces = [...wranglerToml.matchAll(/namespace_id\s*=\s*"(\d+)"/g)].map(([, id]) => id);
    expect(namespaces).toHaveLength(2 * expected.length);
    expect(new Set(namespaces).size).toBe(namespaces.length);
  });
});
