import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { ERROR_CODES, ERROR_STATUS } from "./errors";

/** `{success:true, data}` with 200. */
export function ok<T>(c: Context, data: T) {
  return c.json({ success: true as const, data }, 200);
}

/** `{success:true, data}` with the given success status (201 created, 202 accepted). */
export function okWith<T, S extends 201 | 202>(c: Context, data: T, status: S) {
  return c.json({ success: true as const, data }, status);
}

/** A list page: `data` stays an array (as the seeds show); paging rides beside it. */
export function okPage<T>(c: Context, data: T[], nextCursor: string | null, limit: number) {
  return c.json({ success: true as const, data, pagination: { limit, nextCursor, hasMore: nextCursor !== null } }, 200);
}

/** Every `error.code` the API answers, with the status each comes with: one enum for every surface's error shape. */
export const ErrorCodeSchema = z.enum(ERROR_CODES).openapi("ErrorCode", {
  description: `What went wrong, for programs to branch on (the message is for people). ${ERROR_CODES.map((code) => `\`${code}\` ${ERROR_STATUS[code]}`).join(", ")}.`,
  example: "NOT_FOUND",
});

export const ErrorBody = z
  .object({
    success: z.literal(false),
    error: z.object({
      code: ErrorCodeSchema,
      message: z.string().describe("What went wrong, in English"),
      details: z.unknown().optional().describe("Machine-readable context: for VALIDATION_ERROR, `[{path, message, code}]` per bad field"),
      requestId: z.string().optional().describe("On 5xx: the request id to quote to support (also in the x-request-id header)"),
    }),
  })
  .openapi("Error");

export const envelope = <T extends z.ZodType>(data: T) => z.object({ success: z.literal(true), data });

export const PaginationMeta = z.object({ limit: z.number().int(), nextCursor: z.string().nullable(), hasMore: z.boolean() }).openapi("Pagination");

export const pageEnvelope = <T extends z.ZodType>(item: T) => z.object({ success: z.literal(true), data: z.array(item), pagination: PaginationMeta });

/** A success envelope as an example value: `{success: true, data}`. */
export const okExample = <T>(data: T) => ({ success: true as const, data });

/** A list page as an example value: `{success: true, data: [...], pagination}` (the last page). */
export const pageExample = <T>(data: T[], limit = 50) => ({ success: true as const, data, pagination: { limit, nextCursor: null, hasMore: false } });

const media = <T extends z.ZodType>(schema: T, example: unknown) => (example === undefined ? { schema } : { schema, example });

/**
 * Response entries for a route: the success body (with an example value, when given) plus the
 * error statuses it can answer.
 */
export function jsonResponses<T extends z.ZodType, S extends 200 | 201 | 202 = 200>(schema: T, description = "OK", status: S = 200 as S, example?: unknown) {
  const success = { [status]: { description, content: { "application/json": media(schema, example) } } } as {
    [K in S]: { description: string; content: { "application/json": { schema: T; example?: unknown } } };
  };
  return { ...success, ...errorResponses } as const;
}

/**
 * The error statuses any authenticated route can answer, each with `schema` as its body (the
 * envelope here; the seed 002/003 surfaces pass their own shapes). Declared once so the
 * OpenAPI document lists every status a client can meet, and the reliability suite holds
 * every route to it (test/reliability/).
 */
export function errorResponsesIn<T extends z.ZodType>(schema: T) {
  const entry = (description: string) => ({ description, content: { "application/json": { schema } } });
  return {
    400: entry("Invalid input (VALIDATION_ERROR, with the field paths in details)"),
    401: entry("Missing, expired or invalid token (UNAUTHORIZED)"),
    403: entry("The token lacks the scope, or names another tenant (FORBIDDEN)"),
    404: entry("No such object, or not the caller's (NOT_FOUND)"),
    409: entry("Conflicts with the current state (CONFLICT, INVALID_STATE), or an Idempotency-Key reused for another request"),
    413: entry("Request body over 2 MiB (PAYLOAD_TOO_LARGE)"),
    415: entry("A charset other than UTF-8, a Content-Encoding, or a content type the route does not take (UNSUPPORTED_MEDIA_TYPE)"),
    429: entry("Rate limited (RATE_LIMITED): retry after the Retry-After header's seconds"),
  } as const;
}

export const errorResponses = errorResponsesIn(ErrorBody);

/** A required JSON request body, with an example value when given. */
export const jsonBody = <T extends z.ZodType>(schema: T, example?: unknown) => ({
  body: { required: true, content: { "application/json": media(schema, example) } },
});
