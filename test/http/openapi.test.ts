import { describe, expect, it } from "vitest";
import { buildApp } from "../../src/app";
import { call } from "../helpers";

describe("OpenAPI document", () => {
  it("lists every registered API route", async () => {
    const spec = (await call("GET", "/api/v1/billing/openapi.json")).json;
    const documented = new Set(
      Object.entries(spec.paths as Record<string, object>).flatMap(([path, ops]) =>
        Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ":$1")}`),
      ),
    );
    const registered = buildApp()
      .routes.filter((r) => r.path.startsWith("/api/v1/billing/") && r.method !== "ALL" && !r.path.endsWith("openapi.json"))
      .map((r) => `${r.method} ${r.path}`);
    expect(registered.length).toBeGreaterThan(0);
    const missing = [...new Set(registered)].filter((r) => !documented.has(r));
    expect(missing).toEqual([]);
    expect(spec.components.securitySchemes.bearerAuth).toMatchObject({ type: "http", scheme: "bearer" });
  });
});
