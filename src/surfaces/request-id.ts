import type { Context } from "hono";
import type { AppEnv } from "../env";
import type { ApiError } from "../http/errors";

/** A 5xx carries the request id so support can find the log line (as the API envelope does). */
export const requestIdFor = (c: Context<AppEnv>, err: ApiError) => (err.status >= 500 ? { requestId: c.get("requestId") } : {});
