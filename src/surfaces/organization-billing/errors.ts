import { z } from "@hono/zod-openapi";
import type { ErrorHandler } from "hono";
import type { AppEnv } from "../../env";
import { ErrorCodeSchema, errorResponsesIn } from "../../http/envelope";
import { toApiError } from "../../http/error-handler";
import { requestIdFor } from "../request-id";

// Seed 002 (`/organizations/{id}/…`, `/subscriptions`, `/invoices`): `{"error": {"code", "message", "details"?}}`.

export const OrganizationErrorBody = z
  .object({ error: z.object({ code: ErrorCodeSchema, message: z.string(), details: z.unknown().optional(), requestId: z.string().optional() }) })
  .openapi("OrganizationError", { description: "An error of the organization-level API: `{error: {code, message, details?}}`" });

/** The error statuses of an organisation billing route, in its shape: spread into `responses`. */
export const organizationErrorResponses = errorResponsesIn(OrganizationErrorBody);

export const organizationErrors: ErrorHandler<AppEnv> = (raw, c) => {
  const err = toApiError(c, raw);
  const details = err.details === undefined ? {} : { details: err.details };
  return c.json({ error: { code: err.code, message: err.message, ...details, ...requestIdFor(c, err) } }, err.status, err.headers);
};
