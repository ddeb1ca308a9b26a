import type { Context, ErrorHandler, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import type { AppEnv } from "../env";
import { ApiError } from "../http/errors";
import { log } from "../http/logger";

// The seed 002 and 003 surfaces live outside /api/v1/billing and answer errors in their own
// shapes rather than the API envelope. Their routers install one of these as `onError`.

const MAX_BODY_BYTES = 2 * 1024 * 1024;

/** Per-route body limit for surfaces outside /api (where the app's global limit does not apply). */
export const compatBodyLimit: MiddlewareHandler<AppEnv> = bodyLimit({
  maxSize: MAX_BODY_BYTES,
  onError: () => {
    throw new ApiError("PAYLOAD_TOO_LARGE", `Request body exceeds ${MAX_BODY_BYTES} bytes`);
  },
});

function asApiError(c: Context<AppEnv>, err: Error): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof HTTPException) {
    if (err.status === 400) return new ApiError("VALIDATION_ERROR", err.message || "Bad request");
    if (err.status === 413) return new ApiError("PAYLOAD_TOO_LARGE", `Request body exceeds ${MAX_BODY_BYTES} bytes`);
    if (err.status === 415) return new ApiError("UNSUPPORTED_MEDIA_TYPE", "Content-Type must be application/json");
  }
  log("error", "unhandled", { requestId: c.get("requestId"), route: c.req.routePath, error: err.message, stack: err.stack });
  return new ApiError("INTERNAL", "Internal error");
}

const requestIdFor = (c: Context<AppEnv>, err: ApiError) => (err.status >= 500 ? { requestId: c.get("requestId") } : {});

/** Seed 002 (`/organizations/{id}/…`): `{"error": {"code", "message", "details"?}}`. */
export const seed002Errors: ErrorHandler<AppEnv> = (raw, c) => {
  const err = asApiError(c, raw);
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
  const err = asApiError(c, raw);
  const details = err.details === undefined ? {} : { details: err.details };
  return c.json({ error: REASON[err.status] ?? "Error", message: err.message, code: err.code, ...details, ...requestIdFor(c, err) }, err.status);
};
