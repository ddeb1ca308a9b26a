import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { AppEnv } from "../env";
import { ApiError } from "./errors";
import { log } from "./logger";

export const MAX_BODY_BYTES = 2 * 1024 * 1024;

/** The `/api/v1/billing` error envelope. 5xx carry the request id so support can find the log line. */
export function envelopeError(c: Context<AppEnv>, err: ApiError) {
  const error = {
    code: err.code,
    message: err.message,
    ...(err.details === undefined ? {} : { details: err.details }),
    ...(err.status >= 500 ? { requestId: c.get("requestId") } : {}),
  };
  return c.json({ success: false as const, error }, err.status, err.headers);
}

/** Every thrown thing, as an ApiError. Internals (stack, SQL) are logged, never sent. */
export function toApiError(c: Context<AppEnv>, err: Error): ApiError {
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
