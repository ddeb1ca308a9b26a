import type { MiddlewareHandler } from "hono";

/** For responses that are not pages (JSON, PDF): nothing may load, nobody may frame them. */
const API_CSP = "default-src 'none'; frame-ancestors 'none'";

/**
 * The policy of an HTML page served by the Worker: its own inline script and style only by
 * `nonce`, requests only to this origin, no framing, no `<base>`, no form posts.
 */
export const pageCsp = (nonce: string) =>
  [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src 'nonce-${nonce}'`,
    "connect-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");

/** A fresh nonce for one page response. */
export const newNonce = () => btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));

/**
 * On every response: no MIME sniffing, no referrer, no framing, and a CSP (a page sets its
 * own with `pageCsp`). Nothing is stored by caches (billing JSON and CSV exports are one
 * caller's data): a route that wants otherwise, or `private, no-store` like the PDFs, sets
 * its own Cache-Control.
 */
export const securityHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  const headers = c.res.headers;
  headers.set("x-content-type-options", "nosniff");
  headers.set("referrer-policy", "no-referrer");
  headers.set("x-frame-options", "DENY");
  if (!headers.has("content-security-policy")) headers.set("content-security-policy", API_CSP);
  if (!headers.has("cache-control")) headers.set("cache-control", "no-store");
};
