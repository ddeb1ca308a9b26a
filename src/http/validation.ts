import type { Hook } from "@hono/zod-openapi";
import type { ZodError } from "zod";
import { ApiError } from "./errors";

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

export function validationError(error: ZodError, target?: string): ApiError {
  const issues = fieldIssues(error);
  const first = issues[0];
  const where = target && target !== "json" ? ` in ${target}` : "";
  const message = first ? `Invalid ${first.path}${where}: ${first.message}` : "Invalid request";
  return new ApiError("VALIDATION_ERROR", message, issues);
}

/** OpenAPIHono's defaultHook: every zod failure becomes a 400 envelope with field paths. */
export const validationHook: Hook<unknown, any, string, unknown> = (result, _c) => {
  if (!result.success) throw validationError(result.error as unknown as ZodError, result.target);
};
