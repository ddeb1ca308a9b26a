import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { buildApp } from "../../src/app";
import { call, token } from "../helpers";
import { buildWorld, fillPath, isolateOutbound, ownedId, PLAN_ID, TENANT_SCOPES, type World } from "./fixtures";
import { exampleOf, hints, type Spec } from "./openapi";

/**
 * Every route of the app's route table × {no token, each scope it does not accept, each scope it
 * does, another tenant, admin}. The scopes come from the route's own declaration (`secured(…)`,
 * which writes them into the OpenAPI document), so a new route without one fails here, and a
 * declaration that does not match what the guard enforces fails too.
 */

/** The routes anyone may call: Stripe authenticates its webhooks by signature, not by token. */
const PUBLIC = new Set(["GET /health", "GET /docs", "GET /api/v1/billing/openapi.json", "POST /api/v1/billing/stripe/webhook", "POST /billing/webhook"]);

const routeTable = [
  ...new Set(
    buildApp()
      .routes.filter((r) => r.method !== "ALL")
      .map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, "{$1}")}`),
  ),
];

let spec: Spec;
let world: World;

beforeAll(async () => {
  isolateOutbound();
  spec = (await call("GET", "/api/v1/billing/openapi.json")).json;
  world = await buildWorld("authz");
  Object.assign(hints, world.ids, { planId: PLAN_ID });
}, 60_000);

afterAll(() => {
  vi.restoreAllMocks();
});

function acceptedScopes(method: string, path: string): string[] {
  const op = spec.paths[path]?.[method.toLowerCase()];
  if (!op) throw new Error(`${method} ${path} is routed but not in the OpenAPI document`);
  const scopes = (op.security ?? []).map((requirement) => requirement.bearerAuth?.[0]).filter((s): s is string => !!s);
  if (scopes.length === 0) throw new Error(`${method} ${path} declares no scope: build it with secured(...) or list it as public`);
  return scopes;
}

/** Bodies for the routes whose schema alone does not make a valid example (cross-field rules). */
const BODIES: Record<string, unknown> = {
  "POST /api/v1/billing/subscriptions/{subscriptionId}/discount": { couponCode: "NOPE" },
  "PUT /api/v1/billing/quotas/{quotaId}": { limit: 10 },
};

/**
 * The route with the owner's ids in its path and the document's example body, so a request
 * that passes the guard reaches the handler's own checks.
 */
async function send(method: string, path: string, tokenFor: string | undefined) {
  const url = fillPath(path, (param) => ownedId(world, path, param) ?? (param === "planId" ? PLAN_ID : "unknown-id"));
  const schema = spec.paths[path]?.[method.toLowerCase()]?.requestBody?.content["application/json"]?.schema;
  const body = method === "POST" || method === "PUT" ? (BODIES[`${method} ${path}`] ?? exampleOf(spec, schema) ?? {}) : undefined;
  return { url, ...(await call(method, url, { token: tokenFor, body })) };
}

describe("authorization matrix", () => {
  it("has a route table to check", () => {
    expect(routeTable.length).toBeGreaterThan(90);
    expect(routeTable.filter((r) => PUBLIC.has(r)).sort()).toEqual([...PUBLIC].sort());
  });

  for (const route of routeTable.filter((r) => !PUBLIC.has(r))) {
    const [method, path] = route.split(" ") as [string, string];
    it(route, async () => {
      const accepted = acceptedScopes(method, path);
      const refused = accepted.includes("admin") ? [...TENANT_SCOPES] : TENANT_SCOPES.filter((s) => !accepted.includes(s));
      const as = (scope: string, tenant = world.owner) => token({ tenant, scope });

      const anonymous = await send(method, path, undefined);
      expect(anonymous.status, `${route} without a token: ${anonymous.text}`).toBe(401);

      for (const scope of [...refused.map((s) => [s]), refused].filter((s) => s.length > 0)) {
        const res = await send(method, path, await as(scope.join(" ")));
        expect(res.status, `${route} with only ${scope.join(" ")}: ${res.text}`).toBe(403);
      }

      const namesOwnerObjects = /\{(\w+)\}/.test(path) && [...path.matchAll(/\{(\w+)\}/g)].some(([, p]) => ownedId(world, path, p!) !== undefined);
      if (!accepted.includes("admin")) {
        const stranger = await send(method, path, await as(TENANT_SCOPES.join(" "), world.stranger));
        if (namesOwnerObjects) expect([403, 404], `${route} from another tenant: ${stranger.text}`).toContain(stranger.status);
        // An error may echo the id the caller sent; nothing else of the owner's may appear.
        for (const secret of Object.values(world.ids).filter((id) => !stranger.url.includes(id))) {
          expect(stranger.text, `${route} from another tenant leaks ${secret}`).not.toContain(secret);
        }
      }

      for (const scope of accepted.filter((s) => s !== "admin")) {
        const res = await send(method, path, await as(scope));
        expect([401, 403], `${route} with ${scope}, which it accepts: ${res.status} ${res.text}`).not.toContain(res.status);
      }

      const admin = await send(method, path, world.adminToken);
      expect([401, 403], `${route} as admin: ${admin.status} ${admin.text}`).not.toContain(admin.status);
    });
  }
});
