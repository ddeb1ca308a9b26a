// @edge-billing/client: a typed client for the Edge Billing API. The types (schema.d.ts) are
// generated from the API's OpenAPI document (`npm run client:generate` in the repository);
// openapi-fetch is the runtime: plain fetch, every path, parameter, body and response typed.
import createClient, { type Client, type Middleware } from "openapi-fetch";
import type { components, operations, paths } from "./schema.js";

export type { components, operations, paths };
/** The API's named schemas, e.g. `Schemas["Invoice"]`. */
export type Schemas = components["schemas"];
export type BillingClient = Client<paths>;

export interface BillingClientOptions {
  /** The deployment's origin, e.g. `https://billing.example.com`; the paths carry `/api/v1/billing`. */
  baseUrl: string;
  /**
   * The bearer JWT sent as `Authorization: Bearer …` on every request, or a function that
   * returns one, called per request (for tokens that expire and are refreshed).
   */
  token: string | (() => string | Promise<string>);
  /** Another fetch (a test harness, a Worker service binding, instrumentation); default `globalThis.fetch`. */
  fetch?: (request: Request) => Promise<Response>;
  /** Headers added to every request (e.g. a `user-agent`). */
  headers?: Record<string, string>;
}

/** A client whose every request carries the token. */
export function createBillingClient(options: BillingClientOptions): BillingClient {
  const client = createClient<paths>({
    baseUrl: options.baseUrl.replace(/\/+$/, ""),
    headers: options.headers,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const { token } = options;
  const auth: Middleware = {
    async onRequest({ request }) {
      request.headers.set("authorization", `Bearer ${typeof token === "function" ? await token() : token}`);
      return request;
    },
  };
  client.use(auth);
  return client;
}

/** The error envelope's `error` (`{code, message, details?, requestId?}`) as a thrown error. */
export class BillingApiError extends Error {
  override readonly name = "BillingApiError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly requestId?: string,
  ) {
    super(`${status} ${code}: ${message}`);
  }
}

/** What every call resolves to (openapi-fetch's result): `data` on success, `error` otherwise. */
type Result = { data?: unknown; error?: unknown; response: Response };

/**
 * The success body of a call, or a thrown BillingApiError:
 * `const { data: plan } = await unwrap(client.GET("/api/v1/billing/plans/{planId}", …))`.
 */
export async function unwrap<R extends Result>(call: Promise<R>): Promise<Exclude<R["data"], undefined>> {
  const { data, error, response } = await call;
  if (error === undefined && response.ok) return data as Exclude<R["data"], undefined>;
  const body = (error ?? {}) as { error?: { code?: string; message?: string; details?: unknown } | string; code?: string; message?: string };
  const inner = typeof body.error === "object" ? body.error : undefined;
  throw new BillingApiError(
    response.status,
    inner?.code ?? body.code ?? "UNKNOWN",
    inner?.message ?? body.message ?? (typeof body.error === "string" ? body.error : response.statusText),
    inner?.details,
    response.headers.get("x-request-id") ?? undefined,
  );
}
