import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "./env";
import type { Context } from "hono";
import type { MergeSchemaPath } from "hono/types";
import { costCentersRoutes } from "./cost-centers/routes";
import { couponsRoutes } from "./coupons/routes";
import { couponRedemptionRoutes } from "./subscriptions/coupon-routes";
import { walletRoutes } from "./wallet";
import { database } from "./db/client";
import { docsPage } from "./docs/page";
import { entitlementsRoutes } from "./entitlements/routes";
import { API_TAGS } from "./docs/tags";
import { cors } from "./http/cors";
import { requestContext } from "./http/logger";
import { publicBase } from "./http/public-url";
import { requestBodyRules } from "./http/request-body";
import { createRouter } from "./http/router";
import { newNonce, pageCsp, securityHeaders } from "./http/security-headers";
import { invoicesRoutes } from "./invoices/routes";
import { invoicePaymentRoutes } from "./invoices/payment-intent-routes";
import { usageRoutes } from "./metering/routes";
import { usageSummaryRoutes } from "./usage-summary/routes";
import { holdRoutes } from "./metering/hold-routes";
import { plansRoutes } from "./plans/routes";
import { quotasRoutes } from "./quotas/routes";
import { realtimeRoutes } from "./realtime/routes";
import type { StripeHandlerTable } from "./stripe";
import { stripeRoutes, stripeWebhookRoutes } from "./stripe/routes";
import { subscriptionsRoutes } from "./subscriptions/routes";
import { spendRoutes } from "./spend/routes";
import { errorsBySurface, mountSurfaces, notFoundBySurface } from "./surfaces";
import { tenantOverviewRoutes } from "./tenant-overview/routes";
import { tenantsRoutes } from "./tenants/routes";
import { testClocksRoutes } from "./test-clocks/routes";
import { collectingOutboxWrites, wakeOutbox } from "./outbox";
import { registerEventCatalog, webhooksRoutes } from "./webhooks";
import { SUBSCRIPTION_EVENT_DATA } from "./subscriptions/event-data";
import { ALERT_EVENT_DATA } from "./alerts/event-data";
import { stripeHandlers as appStripeHandlers } from "./wiring/stripe-events";

export const API_PREFIX = "/api/v1/billing";

/** Keeps `work` alive past the response (without an execution context, as in app.request(), it just runs). */
function afterResponse(c: Context, work: Promise<unknown>): void {
  try {
    c.executionCtx.waitUntil(work);
  } catch {
    void work;
  }
}

export interface AppOptions {
  /** What both Stripe webhooks run (a test swaps in its own). */
  stripeHandlers?: StripeHandlerTable;
}

export function buildApp({ stripeHandlers = appStripeHandlers }: AppOptions = {}) {
  const app = createRouter();
  // Before routing, so every route of every surface (and an unknown path) meets the same body
  // rules; what they refuse is answered by the one error handler below, in the surface's shape.
  app.use("*", requestContext, securityHeaders, cors, ...requestBodyRules);
  app.use("*", (c, next) => {
    c.set("db", database(c.env.DB));
    return next();
  });
  // Outbox rows a request wrote are dispatched after its response, never on its path.
  app.use("*", (c, next) => collectingOutboxWrites(next, (ids) => afterResponse(c, wakeOutbox(c.env, ids))));

  app.get("/health", (c) => c.json({ status: "ok", service: "edge-billing", time: new Date().toISOString() }));

  const api = createRouter();
  api.route("/", plansRoutes);
  api.route("/", tenantOverviewRoutes);
  api.route("/", tenantsRoutes);
  api.route("/", costCentersRoutes);
  api.route("/", invoicesRoutes);
  api.route("/", stripeRoutes);
  // Between the Stripe routes, where the document has always listed it (it is tagged Stripe).
  api.route("/", invoicePaymentRoutes);
  api.route("/", stripeWebhookRoutes(stripeHandlers));
  // Its typed route schema (every status of every route) is too large for tsc to merge into the
  // app's through chained .route() calls: mount it untyped. `AppType` below, for hono/client,
  // is put together from the routers' own types instead.
  api.route("/", subscriptionsRoutes as OpenAPIHono<AppEnv>);
  api.route("/", couponRedemptionRoutes);
  api.route("/", couponsRoutes);
  api.route("/", walletRoutes);
  api.route("/", usageRoutes);
  api.route("/", usageSummaryRoutes);
  api.route("/", holdRoutes);
  api.route("/", quotasRoutes);
  api.route("/", entitlementsRoutes);
  api.route("/", spendRoutes);
  api.route("/", realtimeRoutes);
  api.route("/", webhooksRoutes);
  api.route("/", testClocksRoutes);
  app.route(API_PREFIX, api);
  // The seed 002 / 003 surfaces: outside /api, at their own paths and in their own shapes.
  mountSurfaces(app, stripeHandlers);

  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description: "JWT with claims sub, tenant and scope (space-separated: billing:read billing:update usage:write admin)",
  });
  registerEventCatalog(app.openAPIRegistry, { ...SUBSCRIPTION_EVENT_DATA, ...ALERT_EVENT_DATA });
  app.doc31(`${API_PREFIX}/openapi.json`, (c) => ({
    openapi: "3.1.0",
    info: {
      title: "Edge Billing API",
      version: "1.0.0",
      description:
        "Usage metering, quotas, subscriptions, invoices and spend tracking on Cloudflare Workers.\n\n" +
        "Everything is under `/api/v1/billing` with the `{success, data}` envelope; the organization-level and the app billing compatibility APIs keep their own paths and shapes. " +
        "Every operation but the webhook receivers takes a bearer JWT (claims `sub`, `tenant`, `scope`); its `security` lists the scopes it accepts, one alternative per scope, and `admin` implies them all. " +
        "Errors carry a machine-readable `code` (the `ErrorCode` enum) and a `message`. Any route may answer 413, 415 and 429 before it runs (body limits, content types, rate limits), in its surface's error shape.",
    },
    servers: [{ url: publicBase(c.env) || "/" }],
    tags: API_TAGS.map((tag) => ({ ...tag })),
  }));
  app.get("/docs", (c) => {
    const nonce = newNonce();
    c.header("content-security-policy", pageCsp(nonce));
    return c.html(docsPage(`${API_PREFIX}/openapi.json`, nonce));
  });

  // Installed once, for every route of every surface: each answers in its own error shape.
  app.notFound(notFoundBySurface);
  app.onError(errorsBySurface);
  return app;
}

export type App = ReturnType<typeof buildApp>;

type RoutesOf<R> = R extends OpenAPIHono<AppEnv, infer S, string> ? S : never;

/**
 * The typed routes of /api/v1/billing: the union of every capability router's route schema,
 * mounted at API_PREFIX, as `api.route("/", …)` and `app.route(API_PREFIX, api)` above mount them.
 * A router mounted above goes in here too (test/client/hono-client.test.ts fails on a documented
 * path missing from it). A type only: the routers are mounted one statement at a time, so `App`
 * itself carries no route types.
 */
export type ApiRoutes = MergeSchemaPath<
  | RoutesOf<typeof plansRoutes>
  | RoutesOf<typeof tenantOverviewRoutes>
  | RoutesOf<typeof tenantsRoutes>
  | RoutesOf<typeof costCentersRoutes>
  | RoutesOf<typeof invoicesRoutes>
  | RoutesOf<typeof stripeRoutes>
  | RoutesOf<typeof invoicePaymentRoutes>
  | RoutesOf<ReturnType<typeof stripeWebhookRoutes>>
  | RoutesOf<typeof subscriptionsRoutes>
  | RoutesOf<typeof couponRedemptionRoutes>
  | RoutesOf<typeof couponsRoutes>
  | RoutesOf<typeof walletRoutes>
  | RoutesOf<typeof entitlementsRoutes>
  | RoutesOf<typeof usageRoutes>
  | RoutesOf<typeof usageSummaryRoutes>
  | RoutesOf<typeof holdRoutes>
  | RoutesOf<typeof quotasRoutes>
  | RoutesOf<typeof spendRoutes>
  | RoutesOf<typeof realtimeRoutes>
  | RoutesOf<typeof webhooksRoutes>
  | RoutesOf<typeof testClocksRoutes>,
  typeof API_PREFIX
>;

/**
 * For `hc<AppType>(origin)` from "hono/client" (README "Typed clients"): typed paths, inputs and
 * per-status responses of /api/v1/billing. The compatibility surfaces (seeds 002/003) are not in
 * it; the generated client in clients/typescript has them.
 */
export type AppType = OpenAPIHono<AppEnv, ApiRoutes, "/">;
