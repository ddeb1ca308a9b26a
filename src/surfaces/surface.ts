import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Context, ErrorHandler } from "hono";
import type { AppEnv } from "../env";

/**
 * An API surface: one document's paths and shapes, served by the same services as the rest.
 * The app mounts its routes, and whatever fails on a request the surface owns (the body rules,
 * auth, validation, a handler, an unknown path) is answered by the surface's error handler, so
 * a client of that document only ever meets its error shape.
 */
export interface Surface {
  routes: readonly OpenAPIHono<AppEnv>[];
  /** Whether a request belongs to this surface (decided from its path and query alone). */
  owns(c: Context<AppEnv>): boolean;
  errors: ErrorHandler<AppEnv>;
}
