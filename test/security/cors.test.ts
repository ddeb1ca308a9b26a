import { describe, expect, it } from "vitest";
import { call, token } from "../helpers";

const APP = "https://app.example.com";
const configured = { CORS_ORIGINS: `${APP}, https://admin.example.com/` };

const preflight = (origin: string, env?: Partial<Cloudflare.Env>) =>
  call("OPTIONS", "plans", {
    headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "authorization, content-type, idempotency-key" },
    env,
  });

describe("CORS", () => {
  it("answers nothing CORS when CORS_ORIGINS is unset: a preflight is an unknown route", async () => {
    const res = await preflight(APP);
    expect(res.status).toBe(404);
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
    const get = await call("GET", "plans", { token: await token(), headers: { origin: APP } });
    expect([get.status, get.headers.get("access-control-allow-origin"), get.headers.get("vary")]).toEqual([200, null, null]);
  });

  it("answers a preflight from a listed origin with that origin, the methods and the headers clients send", async () => {
    const res = await preflight(APP, configured);
    expect(res.status).toBe(204);
    expect(res.text).toBe("");
    expect(res.headers.get("access-control-allow-origin")).toBe(APP);
    expect(res.headers.get("access-control-allow-methods")).toContain("POST");
    const allowed = res.headers.get("access-control-allow-headers")!.toLowerCase().split(/,\s*/);
    expect(allowed).toEqual(expect.arrayContaining(["authorization", "content-type", "idempotency-key"]));
    expect(res.headers.get("access-control-max-age")).toBe("600");
    expect(res.headers.get("access-control-allow-credentials")).toBeNull();
    expect(res.headers.get("vary")).toContain("Origin");
    // The trailing slash of a configured entry does not matter; origins compare as serialized.
    expect((await preflight("https://admin.example.com", configured)).headers.get("access-control-allow-origin")).toBe("https://admin.example.com");
  });

  it("gives an origin not on the list no CORS headers, so the browser stops", async () => {
    for (const origin of ["https://evil.example", "https://app.example.com.evil.example", "null", "http://app.example.com"]) {
      const res = await preflight(origin, configured);
      expect([origin, res.headers.get("access-control-allow-origin")]).toEqual([origin, null]);
      expect(res.headers.get("vary")).toContain("Origin");
    }
  });

  it("marks actual responses, errors included, with the origin, the exposed headers and Vary: Origin", async () => {
    const ok = await call("GET", "plans", { token: await token(), headers: { origin: APP }, env: configured });
    expect([ok.status, ok.headers.get("access-control-allow-origin")]).toEqual([200, APP]);
    expect(ok.headers.get("access-control-expose-headers")).toMatch(/X-Request-Id.*Retry-After.*RateLimit/);
    expect(ok.headers.get("vary")).toContain("Origin");
    const denied = await call("GET", "plans", { headers: { origin: APP }, env: configured });
    expect([denied.status, denied.headers.get("access-control-allow-origin")]).toEqual([401, APP]);
    const other = await call("GET", "plans", { token: await token(), headers: { origin: "https://evil.example" }, env: configured });
    expect([other.headers.get("access-control-allow-origin"), other.headers.get("vary")]).toEqual([null, "Origin"]);
  });
});
