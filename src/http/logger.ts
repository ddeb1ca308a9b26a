import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Assigns the request id (a caller's `x-request-id` if well-formed, else a UUID),
 * echoes it on every response, and writes one structured JSON line per request.
 * Never logs headers, tokens or bodies.
 */
export const requestContext: MiddlewareHandler<AppEnv> = async (c, next) => {
  minLevel = LEVELS[c.env.LOG_LEVEL as Level] ?? LEVELS.info;
  const incoming = c.req.header("x-request-id");
  const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID();
  c.set("requestId", requestId);
  const started = Date.now();
  await next();
  c.res.headers.set("x-request-id", requestId);
  log("info", "request", {
    requestId,
    method: c.req.method,
    route: c.req.routePath,
    path: new URL(c.req.url).pathname,
    status: c.res.status,
    durationMs: Date.now() - started,
    tenant: c.get("principal")?.tenant,
  });
};

type Level = "debug" | "info" | "warn" | "error";
const LEVELS: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };
// Set per request from LOG_LEVEL; an isolate serves one deployment, so one value holds.
let minLevel = LEVELS.info;

export function log(level: Level, msg: string, fields: Record<string, unknown> = {}): void {
  if (LEVELS[level] < minLevel) return;
  const line = JSON.stringify({ level, msg, time: new Date().toISOString(), ...fields });
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
}
