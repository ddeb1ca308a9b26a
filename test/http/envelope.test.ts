import { describe, expect, it, vi } from "vitest";
import { buildApp } from "../../src/app";
import { MAX_BODY_BYTES } from "../../src/http/error-handler";
import { createRouter } from "../../src/http/router";
import { adminToken, call } from "../helpers";
import { env } from "cloudflare:workers";

describe("error envelope", () => {
  it("answers an unknown route with a 404 envelope and a request id", async () => {
    const res = await call("GET", "no/such/route");
    expect(res.status).toBe(404);
    expect(res.json).toMatchObject({ success: false, error: { code: "NOT_FOUND" } });
    expect(res.headers.get("x-request-id")).toMatch(/.+/);
  });

  it("echoes a well-formed incoming x-request-id and replaces a hostile one", async () => {
    const mine = await call("GET", "/health", { headers: { "x-request-id": "req-123" } });
    expect(mine.headers.get("x-request-id")).toBe("req-123");
    const hostile = await call("GET", "/health", { headers: { "x-request-id": "<script>" } });
    expect(hostile.headers.get("x-request-id")).not.toBe("<script>");
  });

  it("answers malformed JSON with 400", async () => {
    const res = await call("POST", "plans", { token: await adminToken(), body: "{not json" });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ success: false, error: { code: "VALIDATION_ERROR" } });
  });

  it("answers a wrong content type with 415", async () => {
    const res = await call("POST", "plans", {
      token: await adminToken(),
      body: "id=x",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(res.status).toBe(415);
    expect(res.json.error.code).toBe("UNSUPPORTED_MEDIA_TYPE");
  });

  it("names the field path of a schema violation", async () => {
    const res = await call("POST", "plans", {
      token: await adminToken(),
      body: { id: "bad plan", name: "", basePrice: -1, meters: [{ metric: "x", price: { model: "per_unit", unitPrice: "abc" } }] },
    });
    expect(res.status).toBe(400);
    const paths = res.json.error.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(expect.arrayContaining(["id", "name", "basePrice", "meters.0.price.unitPrice"]));
  });

  it("rejects unknown fields (strict bodies)", async () => {
    const res = await call("POST", "plans", {
      token: await adminToken(),
      body: { id: "p1", name: "P", basePrice: 1, surprise: true },
    });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe("VALIDATION_ERROR");
  });

  it("answers an oversized body with 413", async () => {
    const res = await call("POST", "plans", { token: await adminToken(), body: JSON.stringify({ id: "x".repeat(MAX_BODY_BYTES + 10) }) });
    expect(res.status).toBe(413);
    expect(res.json.error.code).toBe("PAYLOAD_TOO_LARGE");
  });

  it("turns a thrown error into a 500 INTERNAL without internals", async () => {
    const app = buildApp();
    const boom = createRouter();
    boom.get("/api/v1/billing/boom", () => {
      throw new Error("SQLITE_ERROR: secret table layout near 'SELECT'");
    });
    app.route("/", boom);
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const res = await app.request("/api/v1/billing/boom", {}, env);
    expect(logged.mock.calls[0]?.[0]).toContain("SQLITE_ERROR");
    logged.mockRestore();
    expect(res.status).toBe(500);
    const json: any = await res.json();
    expect(json).toMatchObject({ success: false, error: { code: "INTERNAL", message: "Internal error" } });
    expect(json.error.requestId).toBe(res.headers.get("x-request-id"));
    expect(JSON.stringify(json)).not.toMatch(/SQLITE|SELECT|stack/);
  });
});
