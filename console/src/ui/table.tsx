// The console's table: a caption (visible or for screen readers only), column headers with
// scope, an optional row header, an empty state, and keyboard-usable pagination over the
// API's `nextCursor` (Previous / Next keep their place and focus; the page is announced).
import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";

export interface Column<T> {
  key: string;
  header: ComponentChildren;
  cell: (row: T) => ComponentChildren;
  /** Right-aligned, tabular figures. */
  num?: boolean;
  /** This column names the row (`<th scope="row">`). */
  rowHeader?: boolean;
  /** The header is for screen readers only (an actions column). */
  hideHeader?: boolean;
}

/** Where a cursor-paginated list is: the cursors that led to each page so far. */
export interface Pager {
  page: number;
  cursor: string | undefined;
  next: (cursor: string) => void;
  previous: () => void;
  first: () => void;
}

/** Page state for one list; it goes back to the first page when `reset` changes (a new filter). */
export function usePager(reset: unknown[] = []): Pager {
  const [stack, setStack] = useState<Array<string | undefined>>([undefined]);
  const mounted = useRef(false);
  useEffect(() => {
    if (mounted.current) setStack([undefined]);
    mounted.current = true;
  }, reset);
  return {
    page: stack.length,
    cursor: stack[stack.length - 1],
    next: (cursor) => setStack((s) => [...s, cursor]),
    previous: () => setStack((s) => (s.length > 1 ? s.slice(0, -1) : s)),
    first: () => setStack([undefined]),
  };
}

let tables = 0;

export function DataTable<T>({
  caption,
  hideCaption = false,
  columns,
  rows,
  rowKey,
  rowProps,
  empty = "Nothing to show.",
  pager,
  nextCursor,
  busy = false,
  footer,
}: {
  caption: string;
  hideCaption?: boolean;
  columns: Column<T>[];
  rows: T[];
  rowKey: (row: T) => string;
  /** Extra attributes per row (data-* hooks for tests and styles). */
  rowProps?: (row: T) => Record<string, string | undefined>;
  /** Shown instead of the table when there are no rows on the first page. */
  empty?: ComponentChildren;
  pager?: Pager;
  nextCursor?: string | null;
  /** A page is loading: the rows shown are the previous page's. */
  busy?: boolean;
  footer?: ComponentChildren;
}) {
  const [id] = useState(() => `table-${++tables}`);
  const paged = !!pager && (!!nextCursor || pager.page > 1);
  if (rows.length === 0 && (!pager || pager.page === 1)) {
    return (
      <div class="table-empty" data-empty>
        <p class={hideCaption ? "sr-only" : "table-empty-caption"}>{caption}</p>
        <p class="muted">{empty}</p>
      </div>
    );
  }
  return (
    <>
      {/* A focusable region, so the table can be scrolled sideways by keyboard on a narrow screen. */}
      <div class="table-wrap" role="region" aria-labelledby={`${id}-caption`} tabIndex={0}>
        <table id={id} class="data-table" aria-busy={busy || undefined}>
          <caption id={`${id}-caption`} class={hideCaption ? "sr-only" : undefined}>
            {caption}
            {paged ? <span class="sr-only">, page {pager!.page}</span> : null}
          </caption>
          <thead>
            <tr>
              {columns.map((c) => (
                <th scope="col" key={c.key} class={c.num ? "num" : undefined}>
                  {c.hideHeader ? <span class="sr-only">{c.header}</span> : c.header}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={rowKey(row)} {...(rowProps?.(row) ?? {})}>
                {columns.map((c) =>
                  c.rowHeader ? (
                    <th scope="row" key={c.key} class={c.num ? "num" : undefined}>
                      {c.cell(row)}
                    </th>
                  ) : (
                    <td key={c.key} class={c.num ? "num" : undefined}>
                      {c.cell(row)}
                    </td>
                  ),
                )}
              </tr>
            ))}
          </tbody>
          {footer ? <tfoot>{footer}</tfoot> : null}
        </table>
      </div>
      {paged ? <Pagination pager={pager!} nextCursor={nextCursor ?? null} busy={busy} caption={caption} controls={id} /> : null}
    </>
  );
}

/**
 * Previous / Next stay in place (aria-disabled, never removed or `disabled`), so the focus
 * stays on the button that was pressed; the page number is a status that is announced.
 */
function Pagination({
  pager,
  nextCursor,
  busy,
  caption,
  controls,
}: {
  pager: Pager;
  nextCursor: string | null;
  busy: boolean;
  caption: string;
  controls: string;
}) {
  const hasPrevious = pager.page > 1;
  const hasNext = !!nextCursor;
  return (
    <nav class="pager" aria-label={`${caption}: pages`}>
      <button
        type="button"
        class="button button-small"
        aria-controls={controls}
        aria-disabled={!hasPrevious || busy ? "true" : undefined}
        onClick={() => hasPrevious && !busy && pager.previous()}
      >
        Previous page
      </button>
      <span role="status" class="pager-status">
        {busy ? `Loading page ${pager.page}…` : `Page ${pager.page}`}
      </span>
      <button
        type="button"
        class="button button-small"
        aria-controls={controls}
        aria-disabled={!hasNext || busy ? "true" : undefined}
        onClick={() => hasNext && !busy && pager.next(nextCursor!)}
      >
        Next page
      </button>
    </nav>
  );
}
