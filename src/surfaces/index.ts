import type { OpenAPIHono } from "@hono/zod-openapi";
import type { ErrorHandler, NotFoundHandler } from "hono";
import type { AppEnv } from "../env";
import { envelopeError, toApiError } from "../http/error-handler";
import { ApiError } from "../http/errors";
import type { StripeHandlerTable } from "../stripe";
import { appBilling, appBillingWebhookRoutes } from "./app-billing";
import { billingUsageRoutes } from "./billing-usage";
import { organizationBilling } from "./organization-billing";

// The seed 002 and 003 documents, served at their own paths and in their own shapes, outside
// /api/v1/billing, as adapters over the same services (README "Compatibility surfaces").

/** In order of precedence: organisation billing claims GET /billing/usage?organization_id= inside app billing's /billing/. */
const surfaces = [organizationBilling, appBilling] as const;

/** `stripeHandlers` are what seed 003's webhook runs: the app's table, which no surface may build itself. */
export function mountSurfaces(app: OpenAPIHono<AppEnv>, stripeHandlers: StripeHandlerTable): void {
  for (const routes of [...organizationBilling.routes, billingUsageRoutes, ...appBilling.routes, appBillingWebhookRoutes(stripeHandlers)])
    app.route("/", routes);
}

/**
 * The app's one error handler: whatever failed (the body rules, auth, validation, a handler)
 * is answered in the shape of the surface the request belongs to, else the API envelope.
 */
export const errorsBySurface: ErrorHandler<AppEnv> = (err, c) => {
  const surface = surfaces.find((s) => s.owns(c));
  return surface ? surface.errors(err, c) : envelopeError(c, toApiError(c, err));
};

/** No route for the request: a 404 in the shape of the surface whose path it is. */
export const notFoundBySurface: NotFoundHandler<AppEnv> = (c) =>
  errorsBySurface(new ApiError("NOT_FOUND", `No route for ${c.req.method} ${new URL(c.req.url).pathname}`), c);
