import type { Bindings } from "../env";

const parsed = new Map<string, string>();

/**
 * The base of absolute links this deployment hands out (`pdfUrl`, the OpenAPI server):
 * PUBLIC_BASE_URL without its trailing slash. Never the request's Host header, which the
 * client chooses. Unset or not an http(s) URL: "" (links stay relative).
 */
export function publicBase(env: Bindings): string {
  const configured = env.PUBLIC_BASE_URL?.trim() ?? "";
  let base = parsed.get(configured);
  if (base === undefined) {
    base = "";
    if (URL.canParse(configured)) {
      const url = new URL(configured);
      if (url.protocol === "https:" || url.protocol === "http:") base = `${url.origin}${url.pathname}`.replace(/\/+$/, "");
    }
    parsed.set(configured, base);
  }
  return base;
}
