// Hash routes (`#/t/acme/usage`): the static assets need no server-side fallback, and the
// fragment never reaches a server. Tenant views are `/t/:tenantId/:page[/:id]`, operator
// views `/operator/:page`.
import { useEffect, useState } from "preact/hooks";

export type Route = { area: "tenant"; tenantId: string; page: string; id?: string } | { area: "operator"; page: string; id?: string } | { area: "home" };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, "").split("/").filter(Boolean).map(decodeURIComponent);
  if (parts[0] === "t" && parts[1]) return { area: "tenant", tenantId: parts[1], page: parts[2] ?? "overview", id: parts[3] };
  if (parts[0] === "operator") return { area: "operator", page: parts[1] ?? "spend", id: parts[2] };
  return { area: "home" };
}

export const tenantHref = (tenantId: string, page: string, id?: string) =>
  `#/t/${encodeURIComponent(tenantId)}/${page}${id ? `/${encodeURIComponent(id)}` : ""}`;
export const operatorHref = (page: string) => `#/operator/${page}`;

export function navigate(href: string): void {
  location.hash = href.replace(/^#/, "");
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const update = () => setRoute(parseRoute(location.hash));
    addEventListener("hashchange", update);
    return () => removeEventListener("hashchange", update);
  }, []);
  return route;
}
