import { HTTPException } from "hono/http-exception";
import { bodyLimit } from "hono/body-limit";
import type { Context } from "hono";
import type { AppEnv } from "./env";
import { docsPage } from "./docs/page";
import { ApiError } from "./http/errors";
import { log, requestContext } from "./http/logger";
import { createRouter } from "./http/router";
import { plansRoutes } from "./plans/routes";
import { spendRoutes } from "./spend/routes";
import { tenantsRoutes } from "./tenants/routes";

export const API_PREFIX = "/api/v1/billing";
export const MAX_BODY_BYTES = 2 * 1024 * 1024;

function errorResponse(c: Context<AppEnv>, err: ApiError) {
  const error = {
    code: err.code,
    message: err.message,
    ...(err.details === undefined ? {} : { details: err.details }),
    ...(err.status >= 500 ? { requestId: c.get("requestId") } : {}),
  };
  return c.json({ success: false as const, error }, err.status);
}

/** Every thrown thing, as the envelope. Internals (stack, SQL) are logged, never sent. */
function toApiError(c: Context<AppEnv>, err: Error): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof HTTPException) {
    if (err.status === 413) return new ApiError("PAYLOAD_TOO_LARGE", `Request body exceeds ${MAX_BODY_BYTES} bytes`);
    if (err.status === 415) return new ApiError("UNSUPPORTED_MEDIA_TYPE", "Content-Type must be application/json");
    if (err.status === 400) return new ApiError("VALIDATION_ERROR", err.message || "Bad request");
    if (err.status === 401) return new ApiError("UNAUTHORIZED", err.message || "Unauthorized");
  }
  log("error", "unhandled", {
    requestId: c.get("requestId"),
    route: c.req.routePath,
    error: err.message,
    stack: err.stack,
  });
  return new ApiError("INTERNAL", "Internal error");
}

export function buildApp() {
  const app = createRouter();
  app.use("*", requestContext);
  app.use(
    `${API_PREFIX}/*`,
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw new ApiError("PAYLOAD_TOO_LARGE", `Request body exceeds ${MAX_BODY_BYTES} bytes`);
      },
    }),
  );

  app.get("/health", (c) => c.json({ status: "ok", service: "edge-billing", time: new Date().toISOString() }));

  const api = createRouter();
  api.route("/", plansRoutes);
  api.route("/", tenantsRoutes);
  api.route("/", spendRoutes);
  app.route(API_PREFIX, api);

  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description: "JWT with claims sub, tenant and scope (space-separated: billing:read billing:update usage:write admin)",
  });
  app.doc31(`${API_PREFIX}/openapi.json`, (c) => ({
    openapi: "3.1.0",
    info: {
      title: "Edge Billing API",
      version: "1.0.0",
      description: "Usage metering, quotas, subscriptions, invoices and spend tracking on Cloudflare Workers.",
    },
    servers: [{ url: new URL(c.req.url).origin }],
  }));
  app.get("/docs", (c) => c.html(docsPage(`${API_PREFIX}/openapi.json`)));

  app.notFound((c) => errorResponse(c, new ApiError("NOT_FOUND", `No route for ${c.req.method} ${new URL(c.req.url).pathname}`)));
  app.onError((err, c) => errorResponse(c, toApiError(c, err)));
  return app;
}

export type App = ReturnType<typeof buildApp>;
