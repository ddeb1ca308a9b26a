// Spend tracking (seed 000) across the platform: trend, breakdowns, search, sync jobs.
import { useState } from "preact/hooks";
import { enc, get, getPage } from "../../api";
import { chartValue, formatDate, formatDateTime, formatMoney } from "../../format";
import { useResource } from "../../resource";
import { Chart } from "../../ui/chart";
import { Show } from "../../ui/states";
import type { SpendGroup, SpendItem, SpendPoint, SyncJob } from "../../types";

const INTERVALS = { day: "Day", week: "Week", month: "Month" } as const;
const BREAKDOWNS = { provider: "Provider", category: "Category", service: "Service", tag: "Tag" } as const;

interface SpendSummary {
  totalAmount: number;
  itemCount: number;
  currency: string;
  byCurrency: { currency: string; totalAmount: number; itemCount: number }[];
}

export function Spend() {
  // Reports never add currencies together: one currency at a time, the service's by default.
  const summary = useResource(() => get<SpendSummary>("reports/summary"), []);
  const [chosen, setChosen] = useState<string>();
  const currency = chosen ?? summary.data?.currency;
  return (
    <section aria-labelledby="spend-title">
      <h1 id="spend-title">Platform spend</h1>
      <Show resource={summary}>
        {(s) => (
          <div class="toolbar">
            <p>
              {s.byCurrency.map((c) => `${formatMoney({ amount: c.totalAmount, currency: c.currency })} over ${c.itemCount} items`).join("; ") ||
                "No spend recorded yet."}
            </p>
            {s.byCurrency.length > 1 ? (
              <label>
                Currency{" "}
                <select value={currency} onChange={(e) => setChosen(e.currentTarget.value)}>
                  {s.byCurrency.map((c) => (
                    <option key={c.currency}>{c.currency}</option>
                  ))}
                </select>
              </label>
            ) : null}
          </div>
        )}
      </Show>
      {currency ? <SpendReports currency={currency} /> : null}
    </section>
  );
}

function SpendReports({ currency }: { currency: string }) {
  const [interval, setTrendInterval] = useState<keyof typeof INTERVALS>("day");
  const [by, setBy] = useState<keyof typeof BREAKDOWNS>("provider");
  const trend = useResource(() => get<SpendPoint[]>(`reports/trend?interval=${interval}&currency=${currency}`), [interval, currency]);
  const breakdown = useResource(() => get<SpendGroup[]>(`reports/breakdown?by=${by}&currency=${currency}`), [by, currency]);
  const jobs = useResource(() => getPage<SyncJob>("sync/jobs?limit=20"), []);
  const money = (amount: number) => formatMoney({ amount, currency });

  return (
    <>
      <div class="toolbar">
        <label>
          Trend by{" "}
          <select value={interval} onChange={(e) => setTrendInterval(e.currentTarget.value as keyof typeof INTERVALS)}>
            {Object.entries(INTERVALS).map(([k, v]) => (
              <option key={k} value={k}>
                {v}
              </option>
            ))}
          </select>
        </label>
      </div>
      <Show resource={trend}>
        {(points) => (
          <Chart
            id="spend-trend"
            kind="line"
            title={`Spend per ${interval} (${currency})`}
            yLabel={`Amount (${currency})`}
            points={points.map((p) => ({ label: p.date, value: chartValue(p.amount, currency), display: money(p.amount) }))}
          />
        )}
      </Show>

      <h2>Breakdown</h2>
      <div class="toolbar">
        <label>
          By{" "}
          <select value={by} onChange={(e) => setBy(e.currentTarget.value as keyof typeof BREAKDOWNS)}>
            {Object.entries(BREAKDOWNS).map(([k, v]) => (
              <option key={k} value={k}>
                {v}
              </option>
            ))}
          </select>
        </label>
      </div>
      <Show resource={breakdown}>
        {(groups) => (
          <div class="table-wrap">
            <table>
              <caption class="sr-only">Spend by {by}</caption>
              <thead>
                <tr>
                  <th scope="col">{BREAKDOWNS[by]}</th>
                  <th scope="col" class="num">
                    Items
                  </th>
                  <th scope="col" class="num">
                    Amount
                  </th>
                  <th scope="col">Share</th>
                </tr>
              </thead>
              <tbody>
                {groups.map((g) => (
                  <tr key={g.key}>
                    <td>{g.key}</td>
                    <td class="num">{g.count}</td>
                    <td class="num">{money(g.amount)}</td>
                    <td>
                      <span class="share">
                        <span class="share-fill" style={{ width: `${Math.min(100, g.percentage)}%` }} />
                      </span>{" "}
                      {g.percentage}%
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Show>

      <SpendSearch />

      <h2>Sync jobs</h2>
      <Show resource={jobs}>
        {({ data }) =>
          data.length === 0 ? (
            <p class="muted">No provider sync has run yet.</p>
          ) : (
            <div class="table-wrap">
              <table>
                <caption class="sr-only">Provider sync jobs, newest first</caption>
                <thead>
                  <tr>
                    <th scope="col">Provider</th>
                    <th scope="col">Tenant</th>
                    <th scope="col">Status</th>
                    <th scope="col">Days</th>
                    <th scope="col" class="num">
                      Created / updated / unchanged
                    </th>
                    <th scope="col">Started</th>
                  </tr>
                </thead>
                <tbody>
                  {data.map((j) => (
                    <tr key={j.id}>
                      <td>
                        {j.provider} <span class="muted">({j.trigger})</span>
                      </td>
                      <td>{j.tenantId}</td>
                      <td>
                        <span class={`badge badge-${j.status}`}>{j.status}</span>
                        {j.error ? <div class="muted">{j.error}</div> : null}
                      </td>
                      <td>
                        {formatDate(j.from)} – {formatDate(j.to)}
                      </td>
                      <td class="num">
                        {j.itemsCreated} / {j.itemsUpdated} / {j.itemsUnchanged}
                      </td>
                      <td>{formatDateTime(j.startedAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </Show>
    </>
  );
}

function SpendSearch() {
  const [q, setQ] = useState("");
  const [query, setQuery] = useState("");
  const results = useResource(() => (query ? get<SpendItem[]>(`search?q=${enc(query)}&limit=20`) : Promise.resolve(null)), [query]);
  return (
    <>
      <h2 id="search-title">Search</h2>
      <form
        role="search"
        aria-labelledby="search-title"
        class="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          setQuery(q.trim());
        }}
      >
        <label>
          Items matching
          <input type="search" value={q} onInput={(e) => setQ(e.currentTarget.value)} placeholder="e.g. compute" />
        </label>
        <button type="submit" class="button">
          Search
        </button>
      </form>
      <Show resource={results}>
        {(items) =>
          items === null ? null : items.length === 0 ? (
            <p class="muted" role="status">
              Nothing matches “{query}”.
            </p>
          ) : (
            <div class="table-wrap">
              <table>
                <caption>
                  {items.length} items matching “{query}”, best first
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Item</th>
                    <th scope="col">Provider</th>
                    <th scope="col">Tenant</th>
                    <th scope="col">Date</th>
                    <th scope="col" class="num">
                      Amount
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((i) => (
                    <tr key={i.id}>
                      <td>
                        {i.name}
                        {i.tags.length ? <div class="muted">{i.tags.join(", ")}</div> : null}
                      </td>
                      <td>{i.provider}</td>
                      <td>{i.tenantId}</td>
                      <td>{formatDate(i.date)}</td>
                      <td class="num">{formatMoney(i)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </Show>
    </>
  );
}
