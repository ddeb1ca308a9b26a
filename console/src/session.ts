// The signed-in token: kept in sessionStorage (gone when the tab closes, never sent anywhere
// but our own API), taken once from `#token=<jwt>` and then removed from the address bar.

const KEY = "billing-console.token";

export interface Claims {
  sub: string;
  tenant: string;
  scopes: string[];
  /** Expiry, epoch ms; null when the token has none. */
  expiresAt: number | null;
}

export interface Session {
  token: string;
  claims: Claims;
}

/**
 * Reads the claims the console needs to choose its views. This does not verify the
 * signature: the API does that on every call, and a 401 ends the session.
 */
export function readClaims(token: string): Claims | null {
  const parts = token.split(".");
  if (parts.length !== 3) return null;
  try {
    const json = atob(parts[1]!.replaceAll("-", "+").replaceAll("_", "/"));
    const payload: unknown = JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (ch) => ch.charCodeAt(0))));
    if (!payload || typeof payload !== "object") return null;
    const p = payload as Record<string, unknown>;
    if (typeof p.tenant !== "string" || typeof p.scope !== "string") return null;
    return {
      sub: typeof p.sub === "string" ? p.sub : "",
      tenant: p.tenant,
      scopes: p.scope.split(" ").filter(Boolean),
      expiresAt: typeof p.exp === "number" ? p.exp * 1000 : null,
    };
  } catch {
    return null;
  }
}

export const isAdmin = (s: Session) => s.claims.scopes.includes("admin");
export const canUpdate = (s: Session) => isAdmin(s) || s.claims.scopes.includes("billing:update");

/** A token handed over in the address bar's fragment (never sent to a server), moved into storage. */
export function takeTokenFromLocation(): void {
  const match = /^#token=([^&]+)/.exec(location.hash);
  if (!match) return;
  sessionStorage.setItem(KEY, decodeURIComponent(match[1]!));
  history.replaceState(null, "", `${location.pathname}${location.search}#/`);
}

export function loadSession(): Session | null {
  const token = sessionStorage.getItem(KEY);
  if (!token) return null;
  const claims = readClaims(token);
  if (!claims || (claims.expiresAt !== null && claims.expiresAt <= Date.now())) {
    sessionStorage.removeItem(KEY);
    return null;
  }
  return { token, claims };
}

export function saveToken(token: string): Session | null {
  const claims = readClaims(token);
  if (!claims) return null;
  sessionStorage.setItem(KEY, token);
  return { token, claims };
}

export function clearToken(): void {
  sessionStorage.removeItem(KEY);
}
