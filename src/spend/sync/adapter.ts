import { z } from "@hono/zod-openapi";
import type { Dec } from "../../lib/decimal";

/** One cost figure a provider reports: what was bought, by which account, on which UTC day. */
export interface CostLine {
  day: string;
  account: string;
  service: string;
  amount: Dec;
  /** "major": dollars (OpenAI, AWS, GCP); "minor": cents already (Anthropic). */
  unit: "major" | "minor";
  currency: string;
}

export interface FetchCostsRequest<O> {
  /** Credential for this call only: never stored, logged or put in an error. */
  token: string;
  /** Inclusive UTC days, YYYY-MM-DD. */
  from: string;
  to: string;
  options: O;
  fetch: typeof fetch;
}

/**
 * A provider's cost API behind one shape. Each adapter validates its own options and token
 * format (both surface in POST /sync's schema and GET /sync/adapters) and turns the
 * provider's pages into CostLines; the sync service does the rest (aggregation, the exact
 * conversion to minor units, idempotent upserts, the job record).
 */
export interface SpendAdapter<O extends z.ZodRawShape = z.ZodRawShape> {
  provider: string;
  /** Prefix of synced item names: "GCP" → "GCP Compute Engine". */
  label: string;
  description: string;
  /** What `token` must hold for this provider. */
  tokenDescription: string;
  token: z.ZodType<string>;
  /** The adapter's options, sent beside provider/token/from/to in POST /sync. */
  options: O;
  /** What `account` means in this provider's CostLines (e.g. "project"). */
  accountLabel: string;
  fetchCosts(request: FetchCostsRequest<z.infer<z.ZodObject<O>>>): Promise<CostLine[]>;
}

/** A provider call that failed in a way worth telling the caller (status, provider message). */
export class ProviderError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = "ProviderError";
  }
}

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

/**
 * `options.baseUrl` of every adapter: where its provider's API lives, for gateways, proxies and
 * regional endpoints. https, with no credentials, query or fragment; plain http only to a
 * loopback host (a local fake or proxy under `wrangler dev`, which a deployed Worker cannot
 * reach), so in production every provider call is https.
 */
export function baseUrlOption(defaultBase: string) {
  // Zod runs every check even after z.url() failed, so each one reads the URL defensively.
  const parsed = (raw: string) => (URL.canParse(raw) ? new URL(raw) : undefined);
  return z
    .url({ protocol: /^https?$/ })
    .max(2048)
    .refine((raw) => {
      const u = parsed(raw);
      return !u || u.protocol === "https:" || LOOPBACK.has(u.hostname);
    }, "must be https (http only for localhost)")
    .refine((raw) => {
      const u = parsed(raw);
      return !u || (!u.username && !u.password && !u.search && !u.hash);
    }, "no credentials, query or fragment")
    .optional()
    .describe(`The provider API's base URL (default ${defaultBase}): a gateway, proxy or regional endpoint`);
}

/** `path` under a base URL that may carry a path prefix of its own (`https://gw.example/openai` + `/v1/…`). */
export const apiUrl = (base: string, path: string) => new URL(`${base.replace(/\/+$/, "")}${path}`);

const TIMEOUT_MS = 30_000;
export const MAX_PAGES = 1_000;

/** The message a provider put in an error body, in any of the shapes these four use. */
function providerMessage(body: string): string | undefined {
  try {
    // biome-ignore lint/suspicious/noExplicitAny: a provider's error body, read defensively field by field
    const json = JSON.parse(body) as Record<string, any>;
    const candidates = [json?.error?.message, json?.message, json?.Message, json?.error_description, typeof json?.error === "string" ? json.error : undefined];
    const message = candidates.find((m) => typeof m === "string" && m.trim());
    const type = json?.__type ?? json?.error?.type ?? json?.error?.status;
    const text = [typeof type === "string" ? type.split("#").pop() : undefined, message].filter(Boolean).join(": ");
    return text ? text.slice(0, 300) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * One HTTP call to a provider, returning its JSON body. Network failures, timeouts,
 * non-2xx answers (with the provider's message and, for 429, its Retry-After) and non-JSON
 * bodies become ProviderErrors naming the provider and the call.
 */
export async function providerJson(label: string, fetchFn: typeof fetch, request: Request): Promise<unknown> {
  const what = `${request.method} ${new URL(request.url).pathname}`;
  let res: Response;
  try {
    res = await fetchFn(request, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (err) {
    const timedOut = err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError");
    throw new ProviderError(`${label} ${what}: ${timedOut ? `no answer within ${TIMEOUT_MS / 1000} s` : "network error"}`);
  }
  const text = await res.text();
  if (!res.ok) {
    const detail = providerMessage(text);
    const retryAfter = res.headers.get("retry-after");
    const hint =
      res.status === 401 || res.status === 403
        ? " (check the token and its permissions)"
        : res.status === 429
          ? ` (rate limited${retryAfter ? `; retry after ${retryAfter} s` : ""})`
          : "";
    throw new ProviderError(`${label} ${what} answered HTTP ${res.status}${detail ? `: ${detail}` : ""}${hint}`, res.status);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new ProviderError(`${label} ${what} answered with a body that is not JSON`);
  }
}

/** Checks a provider body against the documented shape; a mismatch names the first bad field. */
export function expectShape<T extends z.ZodType>(label: string, schema: T, body: unknown): z.infer<T> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new ProviderError(`${label} answered with an unexpected body: ${issue.path.join(".") || "(root)"}: ${issue.message}`);
}

/** Loads pages while the provider hands back a cursor, refusing loops and runaway paging. */
export async function allPages<P>(label: string, load: (cursor?: string) => Promise<P>, nextCursor: (page: P) => string | undefined): Promise<P[]> {
  const pages = [await load()];
  const seen = new Set<string>();
  for (let cursor = nextCursor(pages[0]!); cursor !== undefined; cursor = nextCursor(pages[pages.length - 1]!)) {
    if (seen.has(cursor)) throw new ProviderError(`${label}: the page cursor repeated; stopped to avoid a loop`);
    if (pages.length >= MAX_PAGES) throw new ProviderError(`${label}: more than ${MAX_PAGES} pages; sync a shorter range`);
    seen.add(cursor);
    pages.push(await load(cursor));
  }
  return pages;
}
