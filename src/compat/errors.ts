import { z } from "@hono/zod-openapi";
import type { Context, ErrorHandler } from "hono";
import type { AppEnv } from "../env";
import { ErrorCodeSchema, errorResponsesIn } from "../http/envelope";
import { envelopeError, toApiError } from "../http/error-handler";
import type { ApiError } from "../http/errors";

// The seed 002 and 003 surfaces live outside /api/v1/billing and answer errors in their own
// shapes rather than the API envelope. Their routers install one of these as `onError`.

const requestIdFor = (c: Context<AppEnv>, err: ApiError) => (err.status >= 500 ? { requestId: c.get("requestId") } : {});

export const Seed002ErrorBody = z
  .object({ error: z.object({ code: ErrorCodeSchema, message: z.string(), details: z.unknown().optional(), requestId: z.string().optional() }) })
  .openapi("OrganizationError", { description: "An error of the organization-level API: `{error: {code, message, details?}}`" });

export const Seed003ErrorBody = z
  .object({
    error: z.string().describe("The HTTP reason phrase, e.g. `Not Found`"),
    message: z.string(),
    code: ErrorCodeSchema,
    details: z.unknown().optional(),
    requestId: z.string().optional(),
  })
  .openapi("AppBillingError", { description: "An error of the app billing API: `{error: \"<HTTP reason>\", message, code, details?}`" });

/** The error statuses of a seed 002 / seed 003 route, in that surface's shape: spread into `responses`. */
export const seed002ErrorResponses = errorResponsesIn(Seed002ErrorBody);
export const seed003ErrorResponses = errorResponsesIn(Seed003ErrorBody);

/** Seed 002 (`/organizations/{id}/…`): `{"error": {"code", "message", "details"?}}`. */
export const seed002Errors: ErrorHandler<AppEnv> = (raw, c) => {
  const err = toApiError(c, raw);
  const details = err.details === undefined ? {} : { details: err.details };
  return c.json({ error: { code: err.code, message: err.message, ...details, ...requestIdFor(c, err) } }, err.status, err.headers);
};

const REASON: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  402: "Payment Required",
  403: "Forbidden",
  404: "Not Found",
  409: "Conflict",
  413: "Payload Too Large",
  415: "Unsupported Media Type",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
};

/**
 * Seed 003 (`/billing/…`): like the 402 body it documents, `{"error": "<what>", "message": "<why>"}`,
 * plus our machine-readable `code` (and `details` for invalid fields).
 */
export const seed003Errors: ErrorHandler<AppEnv> = (raw, c) => {
  const err = toApiError(c, raw);
  const details = err.details === undefined ? {} : { details: err.details };
  return c.json(
    { error: REASON[err.status] ?? "Error", message: err.message, code: err.code, ...details, ...requestIdFor(c, err) },
    err.status,
    err.headers,
  );
};

const SEED002_PATH = /^\/(organizations|subscriptions|invoices)(\/|$)/;

/**
 * The app's own onError, for what fails before a route's router takes over (the body rules,
 * an unknown route): answers in the shape of the surface the path belongs to.
 */
export const errorsBySurface: ErrorHandler<AppEnv> = (err, c) => {
  const path = c.req.path;
  if (SEED002_PATH.test(path) || (path === "/billing/usage" && c.req.query("organization_id"))) return seed002Errors(err, c);
  if (path.startsWith("/billing/")) return seed003Errors(err, c);
  return envelopeError(c, toApiError(c, err));
};
