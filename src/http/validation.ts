import type { Hook } from "@hono/zod-openapi";
import type { ZodError } from "zod";
import { ApiError } from "./errors";
import { UNSAFE_TEXT_MESSAGE, unsafeTextPath } from "./safe-text";

export interface FieldIssue {
  path: string;
  message: string;
  code: string;
}

/** Zod issues as `{path: "events.3.quantity", message, code}` so clients can point at the field. */
export function fieldIssues(error: ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join(".") || "(root)",
    message: issue.message,
    code: issue.code,
  }));
}

const where = (target?: string) => (target && target !== "json" ? ` in ${target}` : "");

export function validationError(error: ZodError, target?: string): ApiError {
  const issues = fieldIssues(error);
  const first = issues[0];
  const message = first ? `Invalid ${first.path}${where(target)}: ${first.message}` : "Invalid request";
  return new ApiError("VALIDATION_ERROR", message, issues);
}

/** A 400 naming the first field (of any validated input) that carries control or bidi characters. */
function unsafeTextError(data: unknown, target?: string): ApiError | undefined {
  const found = unsafeTextPath(data);
  if (!found) return undefined;
  const path = found.map(String).join(".") || "(root)";
  return new ApiError("VALIDATION_ERROR", `Invalid ${path}${where(target)}: ${UNSAFE_TEXT_MESSAGE}`, [
    { path, message: UNSAFE_TEXT_MESSAGE, code: "unsafe_characters" },
  ]);
}

/**
 * OpenAPIHono's defaultHook: every zod failure becomes a 400 envelope with field paths, and
 * so does valid input carrying control characters, here once for every route.
 */
// biome-ignore lint/suspicious/noExplicitAny: one hook for every route, whatever its environment type
export const validationHook: Hook<unknown, any, string, unknown> = (result, _c) => {
  if (!result.success) throw validationError(result.error as unknown as ZodError, result.target);
  const unsafe = unsafeTextError(result.data, result.target);
  if (unsafe) throw unsafe;
};
