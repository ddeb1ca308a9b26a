import { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../env";
import type { ApiError } from "../http/errors";
import { toApiError } from "../http/error-handler";
import { validationHook } from "../http/validation";

/**
 * A router for the seed 002 / 003 surfaces, which answer errors in their own documented
 * shapes instead of the /api/v1/billing envelope. `shape` renders an ApiError as the body.
 */
export function compatRouter(shape: (err: ApiError) => unknown) {
  const router = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  router.onError((err, c: Context<AppEnv>) => {
    const apiError = toApiError(c, err);
    return c.json(shape(apiError) as object, apiError.status);
  });
  return router;
}

/** Seed 002: `{"error": {"code", "message"}}`. */
export const seed002Error = (err: ApiError) => ({
  error: { code: err.code.toLowerCase(), message: err.message, ...(err.details === undefined ? {} : { details: err.details }) },
});

/** Seed 003: `{"error": "Usage limit exceeded", "message": "…"}` — a short title plus the message. */
export const seed003Error = (err: ApiError) => ({
  error: TITLES[err.status] ?? "Error",
  message: err.message,
  ...(err.details === undefined ? {} : { details: err.details }),
});

const TITLES: Record<number, string> = {
  400: "Bad request",
  401: "Unauthorized",
  402: "Payment required",
  403: "Forbidden",
  404: "Not found",
  409: "Conflict",
  413: "Payload too large",
  415: "Unsupported media type",
  500: "Internal error",
  502: "Upstream error",
  503: "Not configured",
};
