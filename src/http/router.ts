import { OpenAPIHono } from "@hono/zod-openapi";
import { SmartRouter } from "hono/router/smart-router";
import { TrieRouter } from "hono/router/trie-router";
import type { AppEnv, RateLimitClass, Scope } from "../env";
import { requireScope } from "./auth";
import { limitAs } from "./rate-limit";
import { SegmentRouter } from "./segment-router";
import { validationHook } from "./validation";

/**
 * A router whose zod failures become 400 envelopes; every module builds its routes on one.
 * Routes are matched by SegmentRouter (./segment-router.ts), or by Hono's TrieRouter should a
 * path ever need more than it takes.
 */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: validationHook,
    router: new SmartRouter({ routers: [new SegmentRouter(), new TrieRouter()] }),
  });
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

const CLASS_NOTE: Record<Exclude<RateLimitClass, "api">, string> = {
  usage: "Counts against the tenant's usage ingestion rate limit, not the general ones.",
  "coupon-validation": "Also counts against the tenant's coupon validation rate limit.",
};

/** A guard (`secured(...)` or `securedIdempotent(...)`) whose route counts against another rate limit class. */
export function rateLimitedAs<G extends ReturnType<typeof secured>>(cls: Exclude<RateLimitClass, "api">, guard: G): G {
  return { ...guard, middleware: [limitAs(cls), ...guard.middleware], description: `${guard.description} ${CLASS_NOTE[cls]}` };
}

/**
 * An operation's description, ahead of its guard's own notes (the `Requires scope: …` line and
 * what `securedIdempotent` / `rateLimitedAs` add): `...described("What it does.", secured("billing:read"))`.
 */
export function described<G extends { description: string }>(text: string, guard: G): G {
  return { ...guard, description: `${text}\n\n${guard.description}` };
}
