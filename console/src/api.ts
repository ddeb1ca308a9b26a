// The console's only way to the server: the public API, with the signed-in token.
// Answers are unwrapped from the `{success, data}` envelope (the seed 002 routes answer
// `{error: {code, message}}`); any 401 ends the session.

export const API = "/api/v1/billing";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
  /** The route does not exist here (yet): an optional capability this server does not have. */
  get unavailable(): boolean {
    return this.status === 404;
  }
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

type Unauthorized = (message: string) => void;
let token: string | null = null;
let onUnauthorized: Unauthorized = () => undefined;

export function configureApi(next: { token: string | null; onUnauthorized: Unauthorized }): void {
  token = next.token;
  onUnauthorized = next.onUnauthorized;
}

async function send(method: string, path: string, body?: unknown, accept = "application/json", extra: Record<string, string> = {}): Promise<Response> {
  const headers: Record<string, string> = { accept, ...extra };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  const url = path.startsWith("/") ? path : `${API}/${path}`;
  const res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (res.ok) return res;
  const error = await errorOf(res);
  if (res.status === 401) onUnauthorized(error.message);
  throw error;
}

async function errorOf(res: Response): Promise<ApiError> {
  let payload: unknown;
  try {
    payload = await res.json();
  } catch {
    return new ApiError(res.status, `HTTP_${res.status}`, res.statusText || `HTTP ${res.status}`);
  }
  const error = (payload as { error?: unknown })?.error;
  if (error && typeof error === "object") {
    const e = error as { code?: unknown; message?: unknown; details?: unknown };
    return new ApiError(res.status, String(e.code ?? `HTTP_${res.status}`), String(e.message ?? res.statusText), e.details);
  }
  return new ApiError(res.status, `HTTP_${res.status}`, typeof error === "string" ? error : res.statusText);
}

async function json<T>(res: Response): Promise<{ data: T; pagination?: { nextCursor: string | null } }> {
  const payload = (await res.json()) as { success?: boolean; data?: T; pagination?: { nextCursor: string | null } };
  // The envelope's `data`, or the whole body for the seed surfaces that have none.
  return "data" in payload ? { data: payload.data as T, pagination: payload.pagination } : { data: payload as T };
}

export const get = async <T>(path: string): Promise<T> => (await json<T>(await send("GET", path))).data;
/** A change. Each call carries a fresh Idempotency-Key, so a retried request is applied once. */
export const post = async <T>(path: string, body: unknown = {}): Promise<T> =>
  (await json<T>(await send("POST", path, body, "application/json", { "idempotency-key": crypto.randomUUID() }))).data;

/** A replacement (PUT): idempotent by nature, so no key is needed. */
export const put = async <T>(path: string, body: unknown): Promise<T> => (await json<T>(await send("PUT", path, body))).data;

export async function getPage<T>(path: string): Promise<Page<T>> {
  const { data, pagination } = await json<T[]>(await send("GET", path));
  return { data, nextCursor: pagination?.nextCursor ?? null };
}

/** A binary download (an invoice PDF) with the token, saved under the server's file name. */
export async function download(path: string, fallbackName: string): Promise<string> {
  const res = await send("GET", path, undefined, "application/pdf");
  const disposition = res.headers.get("content-disposition") ?? "";
  const name = /filename="?([^";]+)"?/.exec(disposition)?.[1] ?? fallbackName;
  const url = URL.createObjectURL(await res.blob());
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return name;
}

export const enc = encodeURIComponent;
