// Real-time cost of the current period: totals, a chart by day, breakdowns, and the estimate.
import { useState } from "preact/hooks";
import { ApiError, enc, get } from "../../api";
import { chartValue, formatDate, formatMoney, formatQuantity, metricLabel } from "../../format";
import { useResource } from "../../resource";
import { Chart } from "../../ui/chart";
import { Show } from "../../ui/states";
import type { CostByResource, CostTimeline, CurrentCost, Estimate } from "../../types";

const GROUPS = { resource: "Resource", project: "Project", costCenter: "Cost center" } as const;
type Group = keyof typeof GROUPS;

export function Cost({ tenantId }: { tenantId: string }) {
  const t = enc(tenantId);
  const current = useResource(() => get<CurrentCost>(`realtime-cost/tenants/${t}/current`), [tenantId], { pollMs: 10_000 });
  const timeline = useResource(() => get<CostTimeline>(`realtime-cost/tenants/${t}/timeline?interval=day`), [tenantId]);
  const [groupBy, setGroupBy] = useState<Group>("resource");
  const breakdown = useResource(() => get<CostByResource>(`realtime-cost/tenants/${t}/by-resource?groupBy=${groupBy}`), [tenantId, groupBy]);
  const estimate = useResource(
    () =>
      get<Estimate>(`tenants/${t}/billing/estimate`).catch((err) => {
        if (err instanceof ApiError && err.status === 404) return null;
        throw err;
      }),
    [tenantId],
  );

  return (
    <section aria-labelledby="cost-title">
      <h1 id="cost-title">Cost this period</h1>
      <Show resource={current}>
        {(c) => (
          <>
            {c.note ? <p class="notice">{c.note}</p> : null}
            <div class="cards">
              <Card label="So far (tax included)" value={formatMoney(c.total)} hint={`${formatDate(c.periodStart)} – ${formatDate(c.periodEnd)}`} />
              <Card label="Base fee" value={formatMoney(c.baseFee)} />
              <Card label="Usage" value={formatMoney(c.usageTotal)} />
              {c.prorations.amount ? <Card label="Prorations" value={formatMoney(c.prorations)} /> : null}
              {c.discounts.amount ? <Card label="Discounts" value={formatMoney(c.discounts)} /> : null}
              <Card label={`Tax (${(c.tax.rateBps / 100).toFixed(2)}%)`} value={formatMoney(c.tax)} />
              <Show resource={estimate}>
                {(e) => (e ? <Card label="Projected at period end" value={formatMoney(e.projected.total)} hint="linear estimate" /> : null)}
              </Show>
            </div>
            {c.usage.length ? (
              <div class="table-wrap">
                <table>
                  <caption>Usage charges by meter</caption>
                  <thead>
                    <tr>
                      <th scope="col">Meter</th>
                      <th scope="col" class="num">
                        Used
                      </th>
                      <th scope="col" class="num">
                        Billable
                      </th>
                      <th scope="col" class="num">
                        Amount
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {c.usage.map((u) => (
                      <tr key={u.metric}>
                        <td>{metricLabel(u.metric)}</td>
                        <td class="num">{formatQuantity(u.quantity)}</td>
                        <td class="num">{formatQuantity(u.billableQuantity)}</td>
                        <td class="num">{formatMoney(u.amount)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            ) : null}
          </>
        )}
      </Show>

      <h2>Usage cost by day</h2>
      <Show resource={timeline}>
        {(tl) => (
          <Chart
            id="cost-by-day"
            title="Usage charges per day (UTC) this period"
            yLabel={`Amount${tl.currency ? ` (${tl.currency})` : ""}`}
            points={tl.buckets.map((b) => ({
              label: b.start.slice(5, 10),
              value: chartValue(b.amount.amount, b.amount.currency),
              display: formatMoney(b.amount),
            }))}
          />
        )}
      </Show>

      <h2 id="breakdown-title">Breakdown</h2>
      <label class="inline-label">
        Group usage charges by{" "}
        <select value={groupBy} onChange={(e) => setGroupBy(e.currentTarget.value as Group)}>
          {Object.entries(GROUPS).map(([k, v]) => (
            <option value={k} key={k}>
              {v}
            </option>
          ))}
        </select>
      </label>
      <Show resource={breakdown}>
        {(b) => (
          <div class="table-wrap">
            <table aria-describedby="allocation-note">
              <caption>Usage charges by {GROUPS[b.groupBy as Group]?.toLowerCase() ?? b.groupBy}</caption>
              <thead>
                <tr>
                  <th scope="col">{GROUPS[b.groupBy as Group] ?? b.groupBy}</th>
                  <th scope="col">Meters</th>
                  <th scope="col" class="num">
                    Amount
                  </th>
                </tr>
              </thead>
              <tbody>
                {b.items.map((i) => (
                  <tr key={String(i.key)}>
                    <td>{i.key ?? <span class="muted">(none)</span>}</td>
                    <td>{i.meters.map((m) => `${metricLabel(m.metric)} ${formatQuantity(m.quantity)}`).join(", ")}</td>
                    <td class="num">{formatMoney(i.amount)}</td>
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr>
                  <th scope="row" colSpan={2}>
                    Total
                  </th>
                  <td class="num">{formatMoney(b.total)}</td>
                </tr>
              </tfoot>
            </table>
            <p class="muted" id="allocation-note">
              {b.allocation}
            </p>
          </div>
        )}
      </Show>
    </section>
  );
}

export function Card({ label, value, hint }: { label: string; value: string; hint?: string }) {
  return (
    <div class="card">
      <div class="card-label">{label}</div>
      <div class="card-value">{value}</div>
      {hint ? <div class="card-hint muted">{hint}</div> : null}
    </div>
  );
}
