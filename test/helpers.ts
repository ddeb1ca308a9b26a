import { SignJWT } from "jose";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { buildApp, type App } from "../src/app";

export const BASE = "https://billing.test/api/v1/billing";

export interface TokenOptions {
  tenant?: string;
  scope?: string;
  sub?: string;
  ttlSeconds?: number;
  secret?: string;
  alg?: string;
}

/** A real HS256 token signed with the test secret (or another, to test rejection). */
export async function token(opts: TokenOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ tenant: opts.tenant ?? "acme", scope: opts.scope ?? "billing:read billing:update usage:write" })
    .setProtectedHeader({ alg: opts.alg ?? "HS256", typ: "JWT" })
    .setSubject(opts.sub ?? "user-1")
    .setIssuedAt(now)
    .setExpirationTime(now + (opts.ttlSeconds ?? 3600))
    .sign(new TextEncoder().encode(opts.secret ?? env.JWT_SECRET!));
}

export const adminToken = () => token({ tenant: "platform", scope: "admin", sub: "operator" });

export interface CallOptions {
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** Bindings or vars to replace for this call (the app then runs in this isolate, not through exports). */
  env?: Partial<Cloudflare.Env>;
  /** An app built for the test (e.g. with other Stripe handlers) instead of the worker's; it runs in this isolate. */
  app?: App;
}

let app: ReturnType<typeof buildApp> | undefined;

async function fetchWith(request: Request, overrides: Partial<Cloudflare.Env>, target = (app ??= buildApp())): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await target.fetch(request, { ...env, ...overrides }, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

/** A request through the worker's real fetch handler. `path` is relative to /api/v1/billing unless absolute. */
export async function call(method: string, path: string, opts: CallOptions = {}) {
  const url =
    path.startsWith("/") && !path.startsWith("/api/v1/billing")
      ? `https://billing.test${path}`
      : path.startsWith("/api")
        ? `https://billing.test${path}`
        : `${BASE}/${path}`;
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: string | undefined;
  if (opts.body !== undefined) {
    body = typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body);
    headers["content-type"] ??= "application/json";
  }
  const request = new Request(url, { method, headers, body });
  const res = opts.env || opts.app ? await fetchWith(request, opts.env ?? {}, opts.app) : await exports.default.fetch(request);
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, json, text };
}
