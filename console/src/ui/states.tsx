import type { ComponentChildren } from "preact";
import { ApiError } from "../api";
import type { Resource } from "../resource";

export function Loading({ label = "Loading…" }: { label?: string }) {
  return (
    <p class="muted" role="status" data-loading>
      {label}
    </p>
  );
}

export function ErrorNotice({ error }: { error: Error }) {
  const api = error instanceof ApiError ? error : undefined;
  // A validation error names each bad field: say which.
  const fields = Array.isArray(api?.details) ? (api.details as { path?: unknown; message?: unknown }[]).filter((d) => d && typeof d.message === "string") : [];
  return (
    <div class="notice notice-error" role="alert">
      <strong>{api?.status === 403 ? "Not allowed" : api?.status === 400 ? "Not accepted" : "Something went wrong"}</strong>
      <p>
        {error.message}
        {api ? <span class="muted"> ({api.code})</span> : null}
      </p>
      {fields.length > 1 ? (
        <ul>
          {fields.map((d, i) => (
            <li key={i}>
              {d.path ? <code>{String(d.path)}</code> : null} {String(d.message)}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

/** For capabilities other parts of the platform add over time: their API answers 404 here. */
export function Unavailable({ what, path }: { what: string; path: string }) {
  return (
    <div class="notice" role="status" data-state="unavailable">
      <strong>{what} is not available on this server.</strong>
      <p>
        The console asked <code>{path}</code> and the server answered 404: this deployment does not have that API yet. The view fills in as soon as it does.
      </p>
    </div>
  );
}

/** Renders a resource: its loading and error states, else `children(data)`. */
export function Show<T>({
  resource,
  children,
  unavailable,
}: {
  resource: Resource<T>;
  children: (data: T) => ComponentChildren;
  unavailable?: { what: string; path: string };
}) {
  if (resource.data !== undefined) return <>{children(resource.data)}</>;
  if (resource.error) {
    if (unavailable && resource.error instanceof ApiError && resource.error.unavailable) return <Unavailable {...unavailable} />;
    return <ErrorNotice error={resource.error} />;
  }
  return <Loading />;
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <p class="muted empty">{children}</p>;
}
