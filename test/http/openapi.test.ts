import { beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../src/app";
import { API_TAGS } from "../../src/docs/tags";
import { ERROR_CODES } from "../../src/http/errors";
import { call } from "../helpers";

interface Operation {
  operationId?: string;
  summary?: string;
  description?: string;
  tags?: string[];
  security?: Array<Record<string, string[]>>;
  responses: Record<string, { content?: Record<string, { schema?: { $ref?: string }; example?: unknown }> }>;
  requestBody?: { content: Record<string, { example?: unknown }> };
}

let spec: {
  tags?: Array<{ name: string; description?: string }>;
  paths: Record<string, Record<string, Operation>>;
  webhooks: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, any>; securitySchemes: Record<string, any> };
};

/** Every operation of the document, `paths` and `webhooks`, as `METHOD path`. */
const operations = () =>
  [...Object.entries(spec.paths), ...Object.entries(spec.webhooks).map(([name, ops]) => [`webhook ${name}`, ops] as const)].flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, path, method, op })),
  );

const WEBHOOK_RECEIVERS = ["POST /api/v1/billing/stripe/webhook", "POST /billing/webhook"];

beforeAll(async () => {
  spec = (await call("GET", "/api/v1/billing/openapi.json")).json;
});

describe("OpenAPI document", () => {
  it("lists every registered API route", () => {
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

  it("names every operation with a unique, verb-first lowerCamelCase operationId", () => {
    const ops = operations();
    expect(ops.length).toBeGreaterThan(120);
    const bad = ops.filter(({ op }) => !/^[a-z][a-zA-Z0-9]*$/.test(op.operationId ?? "")).map(({ key }) => key);
    expect(bad).toEqual([]);
    const seen = new Map<string, string[]>();
    for (const { key, op } of ops) seen.set(op.operationId!, [...(seen.get(op.operationId!) ?? []), key]);
    expect([...seen].filter(([, keys]) => keys.length > 1)).toEqual([]);
    // Spot checks of the naming scheme: the main API plain, the compatibility APIs prefixed by their surface.
    const id = (method: string, path: string) => spec.paths[path]?.[method]?.operationId;
    expect(id("post", "/api/v1/billing/tenants/{tenantId}/usage")).toBe("recordUsage");
    expect(id("get", "/api/v1/billing/tenants/{tenantId}/invoices")).toBe("listInvoices");
    expect(id("post", "/api/v1/billing/test-clocks/{clockId}/advance")).toBe("advanceTestClock");
    expect(id("get", "/organizations/{tenantId}/invoices")).toBe("organizationsListInvoices");
    expect(id("get", "/billing/subscription")).toBe("billingGetSubscription");
    expect(spec.webhooks["invoice.payment_failed"]?.post?.operationId).toBe("receiveInvoicePaymentFailedEvent");
  });

  it("describes every operation beyond its scope line, and keeps the scope line", () => {
    const undescribed = operations()
      .filter(({ op }) => (op.description ?? "").replace(/Requires scope: [^.]*\./, "").trim().length < 20)
      .map(({ key }) => key);
    expect(undescribed).toEqual([]);
    for (const { key, op } of operations()) {
      const scopes = (op.security ?? []).flatMap((requirement) => requirement.bearerAuth ?? []);
      if (scopes.length === 0) continue;
      expect(op.description, key).toMatch(/Requires scope: /);
      for (const scope of scopes) expect(op.description, `${key} names ${scope}`).toContain(scope);
    }
  });

  it("declares scopes on a defined scheme, and no token on the receivers of signed webhooks", () => {
    const scopes = new Set(["billing:read", "billing:update", "usage:write", "admin"]);
    for (const { key, op } of operations()) {
      const receiver = WEBHOOK_RECEIVERS.includes(key) || key.includes(" webhook ");
      if (receiver) {
        expect(op.security, key).toEqual([]);
        continue;
      }
      expect(op.security?.length, `${key} has no security`).toBeGreaterThan(0);
      for (const requirement of op.security!) {
        expect(Object.keys(requirement), key).toEqual(["bearerAuth"]);
        expect(
          requirement.bearerAuth!.every((s) => scopes.has(s)),
          key,
        ).toBe(true);
      }
    }
  });

  it("lists each tag it uses, with a description, and names no tag after a document", () => {
    const listed = (spec.tags ?? []).map((t) => t.name);
    expect(listed).toEqual(API_TAGS.map((t) => t.name));
    expect((spec.tags ?? []).filter((t) => !t.description || t.description.length < 20)).toEqual([]);
    const used = new Set(operations().flatMap(({ op }) => op.tags ?? []));
    expect([...used].filter((t) => !listed.includes(t))).toEqual([]);
    expect(listed.filter((t) => !used.has(t))).toEqual([]);
    expect(listed.filter((t) => /seed/i.test(t))).toEqual([]);
    expect(
      operations()
        .filter(({ op }) => !op.tags?.length)
        .map(({ key }) => key),
    ).toEqual([]);
  });

  it("enumerates every error code in each surface's error shape", () => {
    expect(spec.components.schemas.ErrorCode?.enum).toEqual([...ERROR_CODES]);
    const codeOf = (name: string) => spec.components.schemas[name];
    expect(codeOf("Error").properties.error.properties.code).toEqual({ $ref: "#/components/schemas/ErrorCode" });
    expect(codeOf("OrganizationError").properties.error.properties.code).toEqual({ $ref: "#/components/schemas/ErrorCode" });
    expect(codeOf("AppBillingError").properties.code).toEqual({ $ref: "#/components/schemas/ErrorCode" });
  });

  it("lists the 401/403/404/409/413/415/429 answers of every authenticated operation, and 413/415 of the webhook receivers", () => {
    for (const { key, op } of operations()) {
      if (key.includes(" webhook ")) continue;
      const statuses = WEBHOOK_RECEIVERS.includes(key) ? ["400", "409", "413", "415"] : ["400", "401", "403", "404", "409", "413", "415", "429"];
      for (const status of statuses) expect(op.responses[status]?.content?.["application/json"]?.schema, `${key} ${status}`).toBeDefined();
    }
  });

  it("has request and response examples on the main operations", () => {
    const main: Array<[string, string, string]> = [
      ["post", "/api/v1/billing/tenants/{tenantId}/usage", "200"],
      ["post", "/api/v1/billing/tenants/{tenantId}/usage/batch", "202"],
      ["post", "/api/v1/billing/tenants/{tenantId}/subscriptions", "201"],
      ["post", "/api/v1/billing/subscriptions/{subscriptionId}/change-plan", "200"],
      ["get", "/api/v1/billing/tenants/{tenantId}/billing/preview", "200"],
      ["get", "/api/v1/billing/tenants/{tenantId}/invoices", "200"],
      ["get", "/api/v1/billing/invoices/{invoiceId}", "200"],
      ["post", "/api/v1/billing/test-clocks", "201"],
      ["post", "/api/v1/billing/test-clocks/{clockId}/advance", "202"],
    ];
    for (const [method, path, status] of main) {
      const op = spec.paths[path]![method]!;
      if (op.requestBody) expect(op.requestBody.content["application/json"]?.example, `${method} ${path} request`).toBeDefined();
      expect(op.responses[status]?.content?.["application/json"]?.example, `${method} ${path} ${status}`).toMatchObject({ success: true });
    }
  });
});
