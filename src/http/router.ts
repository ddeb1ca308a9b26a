import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv, Scope } from "../env";
import { requireScope } from "./auth";
import { validationHook } from "./validation";

/** A router whose zod failures become 400 envelopes; every module builds its routes on one. */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
}

/**
 * Spread into `createRoute({...})`: the scope guard plus its OpenAPI security entry,
 * so a route declares what it needs in one line: `...secured("billing:read")`.
 * The document lists one requirement per accepted scope (OpenAPI 3.1: alternatives, and
 * role names for a bearer scheme), which the authorization matrix in test/reliability/ reads.
 */
export function secured(...scopes: Scope[]) {
  return {
    middleware: [requireScope(...scopes)],
    security: scopes.map((scope) => ({ bearerAuth: [scope] })),
    description: `Requires scope: ${scopes.join(" or ")}${scopes.includes("admin") ? "" : " (or admin)"}.`,
  };
}
