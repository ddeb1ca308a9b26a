import { z } from "@hono/zod-openapi";
import type { Context } from "hono";

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

export const ErrorBody = z
  .object({
    success: z.literal(false),
    error: z.object({
      code: z.string().openapi({ example: "NOT_FOUND" }),
      message: z.string(),
      details: z.unknown().optional(),
      requestId: z.string().optional(),
    }),
  })
  .openapi("Error");

export const envelope = <T extends z.ZodType>(data: T) => z.object({ success: z.literal(true), data });

export const PaginationMeta = z
  .object({ limit: z.number().int(), nextCursor: z.string().nullable(), hasMore: z.boolean() })
  .openapi("Pagination");

export const pageEnvelope = <T extends z.ZodType>(item: T) =>
  z.object({ success: z.literal(true), data: z.array(item), pagination: PaginationMeta });

/** Response entries for a route: the success body plus the error statuses it can answer. */
export function jsonResponses<T extends z.ZodType, S extends 200 | 201 | 202 = 200>(
  schema: T,
  description = "OK",
  status: S = 200 as S,
) {
  const success = { [status]: { description, content: { "application/json": { schema } } } } as {
    [K in S]: { description: string; content: { "application/json": { schema: T } } };
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
    401: entry("Missing or invalid token"),
    403: entry("Missing scope or another tenant"),
    404: entry("Not found"),
    409: entry("Conflict or invalid state"),
    413: entry("Request body too large"),
    415: entry("Unsupported content type"),
    429: entry("Rate limited: retry after the Retry-After header's seconds"),
  } as const;
}

export const errorResponses = errorResponsesIn(ErrorBody);

export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  body: { required: true, content: { "application/json": { schema } } },
});
