import type { Bindings } from "../env";
import { badRequest } from "../http/errors";

const hostLists = new Map<string, readonly string[]>();

/** ALLOWED_REDIRECT_HOSTS as lower-case entries, parsed once per value. */
function allowedHosts(env: Bindings): readonly string[] {
  const configured = env.ALLOWED_REDIRECT_HOSTS ?? "";
  let hosts = hostLists.get(configured);
  if (!hosts) {
    hosts = configured
      .split(",")
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean);
    hostLists.set(configured, hosts);
  }
  return hosts;
}

/** `example.com` allows exactly that host; `*.example.com` allows its subdomains (not itself). */
const matches = (host: string, entry: string) => (entry.startsWith("*.") ? host.endsWith(entry.slice(1)) : host === entry);

/**
 * Refuses (400, naming the field) a URL Stripe would send the customer's browser to unless
 * its host is in ALLOWED_REDIRECT_HOSTS: otherwise our checkout would be an open redirect,
 * a trusted-looking link that lands on someone else's page.
 */
export function assertAllowedRedirects(env: Bindings, urls: Record<string, string>): void {
  const hosts = allowedHosts(env);
  for (const [field, url] of Object.entries(urls)) {
    const host = new URL(url).hostname.toLowerCase();
    if (!hosts.some((entry) => matches(host, entry))) {
      const message = hosts.length === 0 ? "no redirect host is allowed (ALLOWED_REDIRECT_HOSTS is empty)" : `host ${host} is not an allowed redirect host`;
      throw badRequest(`Invalid ${field}: ${message}`, [{ path: field, message, code: "redirect_host" }]);
    }
  }
}
