import { z } from "@hono/zod-openapi";
import type { ErrorHandler } from "hono";
import type { AppEnv } from "../../env";
import { ErrorCodeSchema, errorResponsesIn } from "../../http/envelope";
import { toApiError } from "../../http/error-handler";
import { requestIdFor } from "../request-id";

// Seed 003 (`/billing/…`): like the 402 body it documents, `{"error": "<what>", "message": "<why>"}`,
// plus our machine-readable `code` (and `details` for invalid fields).

export const AppErrorBody = z
  .object({
    error: z.string().describe("The HTTP reason phrase, e.g. `Not Found`"),
    message: z.string(),
    code: ErrorCodeSchema,
    details: z.unknown().optional(),
    requestId: z.string().optional(),
  })
  .openapi("AppBillingError", { description: 'An error of the app billing API: `{error: "<HTTP reason>", message, code, details?}`' });

/** The error statuses of an app billing route, in its shape: spread into `responses`. */
export const appErrorResponses = errorResponsesIn(AppErrorBody);

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

export const appBillingErrors: ErrorHandler<AppEnv> = (raw, c) => {
  const err = toApiError(c, raw);
  const details = err.details === undefined ? {} : { details: err.details };
  return c.json({ error: REASON[err.status] ?? "Error", message: err.message, code: err.code, ...details, ...requestIdFor(c, err) }, err.status, err.headers);
};
