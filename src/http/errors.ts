import type { ContentfulStatusCode } from "hono/utils/http-status";

/** Every `error.code` the API answers, on every surface (the OpenAPI document's `ErrorCode` enum). */
export const ERROR_CODES = [
  "VALIDATION_ERROR",
  "UNAUTHORIZED",
  "FORBIDDEN",
  "NOT_FOUND",
  "CONFLICT",
  "INVALID_STATE",
  "PAYMENT_REQUIRED",
  "QUOTA_EXCEEDED",
  "SUBSCRIPTION_PAUSED",
  "INSUFFICIENT_CREDITS",
  "SPEND_CAP_EXCEEDED",
  "PAYLOAD_TOO_LARGE",
  "UNSUPPORTED_MEDIA_TYPE",
  "RATE_LIMITED",
  "UPSTREAM_ERROR",
  "NOT_CONFIGURED",
  "INTERNAL",
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** The HTTP status each code answers with (unless an ApiError names another). */
export const ERROR_STATUS: Record<ErrorCode, ContentfulStatusCode> = {
  VALIDATION_ERROR: 400,
  UNAUTHORIZED: 401,
  PAYMENT_REQUIRED: 402,
  QUOTA_EXCEEDED: 402,
  SUBSCRIPTION_PAUSED: 402,
  INSUFFICIENT_CREDITS: 402,
  SPEND_CAP_EXCEEDED: 402,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  INVALID_STATE: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  UPSTREAM_ERROR: 502,
  NOT_CONFIGURED: 503,
};

/**
 * The one error type domain code throws. The app's onError turns it into the
 * `{success:false, error:{code, message, details?}}` envelope with the code's status
 * (and `headers`, such as a 429's Retry-After, on the response).
 */
export class ApiError extends Error {
  readonly status: ContentfulStatusCode;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    status?: ContentfulStatusCode,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = "ApiError";
    this.status = status ?? ERROR_STATUS[code];
  }
}

export const notFound = (what: string, id: string) => new ApiError("NOT_FOUND", `${what} not found: ${id}`);
export const conflict = (message: string, details?: unknown) => new ApiError("CONFLICT", message, details);
export const invalidState = (message: string, details?: unknown) => new ApiError("INVALID_STATE", message, details);
export const badRequest = (message: string, details?: unknown) => new ApiError("VALIDATION_ERROR", message, details);
