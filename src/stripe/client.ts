import Stripe from "stripe";
import type { Bindings } from "../env";
import { ApiError } from "../http/errors";
import { log } from "../http/logger";

export type { Stripe };

// One client per key and API base, per isolate: building one sets up every resource class.
const clients = new Map<string, Stripe>();

function endpoint(base: string | undefined): Pick<Stripe.StripeConfig, "host" | "port" | "protocol"> {
  if (!base) return {};
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new ApiError("NOT_CONFIGURED", "STRIPE_API_BASE is not a URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ApiError("NOT_CONFIGURED", "STRIPE_API_BASE must be an http(s) URL");
  }
  const protocol = url.protocol === "http:" ? "http" : "https";
  return { host: url.hostname, port: url.port || (protocol === "http" ? 80 : 443), protocol };
}

/** The Stripe client for this deployment; 503 NOT_CONFIGURED when no secret key is set. */
export function stripeClient(env: Bindings): Stripe {
  const key = env.STRIPE_SECRET_KEY;
  if (!key) throw new ApiError("NOT_CONFIGURED", "Payments are not configured (set STRIPE_SECRET_KEY)");
  const cacheKey = `${key}\n${env.STRIPE_API_BASE ?? ""}`;
  let client = clients.get(cacheKey);
  if (!client) {
    client = new Stripe(key, {
      // Resolve `fetch` on every call rather than capturing it once, so the runtime's
      // current fetch is used (tests replace it to stand in for Stripe).
      httpClient: Stripe.createFetchHttpClient((input, init) => fetch(input, init)),
      maxNetworkRetries: 2,
      timeout: 15_000,
      appInfo: { name: "edge-billing" },
      ...endpoint(env.STRIPE_API_BASE),
    });
    clients.set(cacheKey, client);
  }
  return client;
}

/**
 * Runs one Stripe call and turns its failures into our errors: a declined card is 402,
 * a bad id or parameter the caller gave us is 400 (404 for a missing object), an
 * idempotency clash is 409, and anything on Stripe's side or with our key is 502.
 */
export async function upstream<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw err instanceof Stripe.errors.StripeError ? fromStripeError(what, err) : err;
  }
}

function fromStripeError(what: string, err: InstanceType<typeof Stripe.errors.StripeError>): ApiError {
  const fields = { what, type: err.type, code: err.code, status: err.statusCode, stripeRequestId: err.requestId };
  if (err instanceof Stripe.errors.StripeCardError) {
    return new ApiError("PAYMENT_REQUIRED", err.message, { code: err.code, declineCode: err.decline_code });
  }
  if (err instanceof Stripe.errors.StripeIdempotencyError) {
    log("warn", "stripe idempotency conflict", fields);
    return new ApiError("CONFLICT", "Stripe refused a conflicting repeat of this request; retry later");
  }
  if (err instanceof Stripe.errors.StripeInvalidRequestError) {
    log("warn", "stripe rejected a request", fields);
    // Stripe's own parameter names (`line_items[0][price]`), not our request's fields.
    const details = err.code || err.param ? { stripeCode: err.code, stripeParam: err.param } : undefined;
    if (err.code === "resource_missing" && err.statusCode === 404) return new ApiError("NOT_FOUND", err.message, details);
    return new ApiError("VALIDATION_ERROR", err.message, details);
  }
  if (err instanceof Stripe.errors.StripeRateLimitError) {
    log("warn", "stripe rate limited", fields);
    return new ApiError("RATE_LIMITED", "The payment provider is busy; retry shortly");
  }
  // Authentication/permission errors mean our key is wrong: the operator's problem, not the caller's.
  log("error", "stripe call failed", fields);
  return new ApiError("UPSTREAM_ERROR", `Stripe ${what} failed; retry later`);
}
