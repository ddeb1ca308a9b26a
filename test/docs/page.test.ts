import { describe, expect, it } from "vitest";
import { DOCS_SCRIPT } from "../../src/docs/page-script";
import { call } from "../helpers";

// The /docs page in a browser is e2e/docs.mjs; its CSP is test/security/headers.test.ts. Here:
// what the page is made of, and what it relies on in the OpenAPI document.

interface Parameter {
  name: string;
  in: string;
}

describe("the API reference page", () => {
  it("labels its search and token fields and reads the OpenAPI document of this origin", async () => {
    const page = (await call("GET", "/docs")).text;
    expect(page).toContain('<label for="search">Search operations</label>');
    expect(page).toContain('<label for="token">Bearer token</label>');
    expect(page).toContain('data-spec="/api/v1/billing/openapi.json"');
    expect(page).toContain('<html lang="en">');
  });

  it("stays small: a page of its own, not a bundled reference app", async () => {
    const page = (await call("GET", "/docs")).text;
    expect(new TextEncoder().encode(page).length).toBeLessThan(64 * 1024);
  });

  it("builds the DOM without HTML strings, style attributes or inline handlers (what its CSP would refuse)", () => {
    for (const banned of [
      /innerHTML|outerHTML|insertAdjacentHTML|document\.write/,
      /\beval\(|new Function/,
      /\.style\b|["']style["']/,
      /setAttribute\(\s*["']on/,
      /<\/script/i,
    ]) {
      expect(DOCS_SCRIPT).not.toMatch(banned);
    }
    // The element helper sets attributes by name: none of the script's attribute names is an event handler.
    expect(DOCS_SCRIPT).not.toMatch(/\{[^}]*\bon[a-z]+:/);
  });

  it("finds Idempotency-Key declared as a header parameter wherever an operation says it is idempotent", async () => {
    const spec = (await call("GET", "/api/v1/billing/openapi.json")).json as {
      paths: Record<string, Record<string, { operationId: string; description?: string; parameters?: Parameter[] }>>;
    };
    const says = [];
    for (const ops of Object.values(spec.paths)) {
      for (const op of Object.values(ops)) {
        if (!op.description?.includes("Idempotent under an `Idempotency-Key` header")) continue;
        says.push(op.operationId);
        expect([op.operationId, op.parameters?.filter((p) => p.in === "header").map((p) => p.name.toLowerCase())]).toEqual([
          op.operationId,
          ["idempotency-key"],
        ]);
      }
    }
    expect(says).toEqual(expect.arrayContaining(["createSubscription", "changeSubscriptionPlan", "redeemCoupon"]));
  });
});
