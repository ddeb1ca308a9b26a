import { z } from "@hono/zod-openapi";
import type { Context, ErrorHandler, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { AppEnv } from "../env";
import { errorResponsesIn } from "../http/envelope";
import { MAX_BODY_BYTES, toApiError } from "../http/error-handler";
import { ApiError } from "../http/errors";

// The seed 002 and 003 surfaces live outside /api/v1/billing and answer errors in their own
// shapes rather than the API envelope. Their routers install one of these as `onError`.

/** Per-route body limit for surfaces outside /api (where the app's global limit does not apply). */
export const compatBodyLimit: MiddlewareHandler<AppEnv> = bodyLimit({
  maxSize: MAX_BODY_BYTES,
  onError: () => {
    throw new ApiError("PAYLOAD_TOO_LARGE", `Request body exceeds ${MAX_BODY_BYTES} bytes`);
  },
});

const requestIdFor = (c: Context<AppEnv>, err: ApiError) => (err.status >= 500 ? { requestId: c.get("requestId") } : {});

export const Seed002ErrorBody = z
  .object({ error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional(), requestId: z.string().optional() }) })
  .openapi("Seed002Error");

export const Seed003ErrorBody = z
  .object({ error: z.string(), message: z.string(), code: z.string(), details: z.unknown().optional(), requestId: z.string().optional() })
  .openapi("Seed003Error");

/** The error statuses of a seed 002 / seed 003 route, in that surface's shape: spread into `responses`. */
export const seed002ErrorResponses = errorResponsesIn(Seed002ErrorBody);
export const seed003ErrorResponses = errorResponsesIn(Seed003ErrorBody);

/** Seed 002 (`/organizations/{id}/…`): `{"error": {"code", "message", "details"?}}`. */
export const seed002Errors: ErrorHandler<AppEnv> = (raw, c) => {
  const err = toApiError(c, raw);
  const details = err.details === undefined ? {} : { details: err.details };
  return c.json({ error: { code: err.code, message: err.message, ...details, ...requestIdFor(c, err) } }, err.status);
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
  return c.json({ error: REASON[err.status] ?? "Error", message: err.message, code: err.code, ...details, ...requestIdFor(c, err) }, err.status);
};
