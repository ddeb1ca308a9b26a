import type { Bindings } from "../env";

/**
 * Where we refuse to send (SSRF): a tenant must not make this worker call the platform's own
 * network, loopback, link-local or cloud metadata addresses. Checked when an endpoint is
 * saved and again before every attempt. Hostnames are checked by name and IP literals by
 * range (the URL parser has already normalised forms such as `http://2130706433/`); the
 * Workers runtime itself does not route to private networks, which covers a public name
 * resolving to a private address. In development (`WEBHOOKS_ALLOW_LOOPBACK=true`) loopback
 * receivers are allowed, over http too.
 */
export function destinationProblem(raw: string, env: Pick<Bindings, "WEBHOOKS_ALLOW_LOOPBACK">): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "is not a URL";
  }
  if (url.username || url.password) return "must not carry credentials";
  const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, "");
  const loopback = isLoopback(host);
  if (loopback && env.WEBHOOKS_ALLOW_LOOPBACK === "true") return url.protocol === "https:" || url.protocol === "http:" ? null : "must use https";
  if (url.protocol !== "https:") return "must use https (http only for a loopback receiver in development)";
  if (loopback) return "must not point at a loopback address";
  if (isPrivateName(host)) return "must not point at an internal host name";
  if (isPrivateIPv4(host) || isPrivateIPv6(host)) return "must not point at a private, link-local or metadata address";
  return null;
}

function isLoopback(host: string): boolean {
  return host === "localhost" || host.endsWith(".localhost") || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function isPrivateName(host: string): boolean {
  if (!host.includes(".") && !host.includes(":")) return true; // single-label: an intranet name
  return ["internal", "local", "localdomain", "home.arpa", "intranet", "lan"].some((tld) => host === tld || host.endsWith(`.${tld}`));
}

function ipv4(host: string): number[] | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  return parts.every((p) => p <= 255) ? parts : null;
}

function isPrivateIPv4(host: string): boolean {
  const ip = ipv4(host);
  if (!ip) return false;
  const [a, b] = ip as [number, number, number, number];
  return (
    a === 0 || // "this" network
    a === 10 ||
    a === 127 ||
    (a === 100 && b >= 64 && b <= 127) || // carrier-grade NAT
    (a === 169 && b === 254) || // link-local, incl. 169.254.169.254 metadata
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 192 && b === 0 && ip[2] === 0) ||
    (a === 198 && (b === 18 || b === 19)) || // benchmarking
    a >= 224 // multicast and reserved
  );
}

function isPrivateIPv6(host: string): boolean {
  if (!host.includes(":")) return false;
  if (host === "::" || host === "::1") return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(host);
  if (mapped) return isPrivateIPv4(mapped[1]!) || isLoopback(mapped[1]!);
  if (/^::ffff:/.test(host)) return true; // hex-form mapped IPv4: refuse rather than decode
  const first = parseInt(host.split(":")[0] || "0", 16);
  return (
    (first & 0xfe00) === 0xfc00 || // unique local fc00::/7 (incl. fd00:ec2::254 metadata)
    (first & 0xffc0) === 0xfe80 || // link-local fe80::/10
    (first & 0xff00) === 0xff00 // multicast
  );
}
