import type { ErrorHandler } from "hono";
import type { AppEnv } from "../env";
import { createRouter } from "../http/router";

/**
 * A router for the seed 002 / 003 surfaces, which answer errors in their own documented
 * shapes (src/compat/errors.ts) instead of the /api/v1/billing envelope.
 */
export function compatRouter(onError: ErrorHandler<AppEnv>) {
  const router = createRouter();
  router.onError(onError);
  return router;
}
