// Loading an API resource into a view: loading / error / data, optional polling (paused
// while the tab is hidden), and reload() after a change.
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import type { ApiError } from "./api";

export interface Resource<T> {
  data: T | undefined;
  error: ApiError | Error | undefined;
  loading: boolean;
  /** When the data was last fetched successfully. */
  updatedAt: number | undefined;
  reload: () => Promise<void>;
}

/**
 * `keep`: when `deps` change (the next page of a table), keep showing the data there is until
 * the new data arrives, so the view (and the focus in it) stays where it is.
 */
export function useResource<T>(load: () => Promise<T>, deps: unknown[], options: { pollMs?: number; keep?: boolean } = {}): Resource<T> {
  const [state, setState] = useState<Omit<Resource<T>, "reload">>({ data: undefined, error: undefined, loading: true, updatedAt: undefined });
  const generation = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  const reload = useCallback(async () => {
    const mine = ++generation.current;
    try {
      const data = await loadRef.current();
      if (mine === generation.current) setState({ data, error: undefined, loading: false, updatedAt: Date.now() });
    } catch (err) {
      if (mine === generation.current) setState((s) => ({ ...s, error: err as Error, loading: false }));
    }
  }, []);

  useEffect(() => {
    setState((s) =>
      options.keep && s.data !== undefined
        ? { ...s, error: undefined, loading: true }
        : { data: undefined, error: undefined, loading: true, updatedAt: undefined },
    );
    void reload();
    if (!options.pollMs) return () => generation.current++;
    const timer = setInterval(() => {
      if (!document.hidden) void reload();
    }, options.pollMs);
    return () => {
      clearInterval(timer);
      generation.current++;
    };
  }, deps);

  return { ...state, reload };
}
