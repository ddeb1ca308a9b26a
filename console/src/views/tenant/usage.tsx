// Usage against the plan's limits, one bar per meter, refreshed every few seconds.
import { ApiError, enc, get, getPage } from "../../api";
import { formatDate, formatDateTime, formatQuantity, metricLabel } from "../../format";
import { useResource } from "../../resource";
import { UsageBar } from "../../ui/meter";
import { Show } from "../../ui/states";
import type { Plan, Quota, Subscription, UsageSummary } from "../../types";

export const USAGE_POLL_MS = 3000;

async function loadUsage(tenantId: string) {
  const t = enc(tenantId);
  const sub = await get<Subscription>(`tenants/${t}/subscription`).catch((err) => {
    if (err instanceof ApiError && err.status === 404) return null;
    throw err;
  });
  const [plan, quotas, summary] = await Promise.all([
    sub ? get<Plan>(`plans/${enc(sub.planId)}`) : Promise.resolve(null),
    getPage<Quota>(`quotas/tenants/${t}?limit=200`),
    get<UsageSummary>(`tenants/${t}/usage/summary?groupBy=metric`),
  ]);
  return { sub, plan, quotas: quotas.data, summary };
}

export function Usage({ tenantId }: { tenantId: string }) {
  const usage = useResource(() => loadUsage(tenantId), [tenantId], { pollMs: USAGE_POLL_MS });
  return (
    <section aria-labelledby="usage-title">
      <h1 id="usage-title">Usage</h1>
      <Show resource={usage}>
        {({ sub, plan, quotas, summary }) => {
          const used = new Map(summary.items.map((i) => [i.metric, i]));
          // A plan limit is enforced on what its subscription governs: the quota's own counter.
          const planQuota = new Map(quotas.filter((q) => q.source === "plan" && q.subscriptionId === sub?.id).map((q) => [q.metric, q]));
          const meters = plan?.meters ?? [];
          const extra = summary.items.filter((i) => !meters.some((m) => m.metric === i.metric));
          const own = quotas.filter((q) => q.source !== "plan");
          return (
            <>
              <p class="muted">
                {sub ? `Billing period ${formatDate(summary.from)} – ${formatDate(summary.to)}` : "No subscription: this calendar month"}. Updated{" "}
                <time dateTime={new Date(usage.updatedAt ?? Date.now()).toISOString()}>
                  {formatDateTime(new Date(usage.updatedAt ?? Date.now()).toISOString())}
                </time>
                ; refreshes every {USAGE_POLL_MS / 1000} seconds.
              </p>
              <div class="meters">
                {meters.map((m) => {
                  const quota = planQuota.get(m.metric);
                  const quantity = quota?.usage ? String(quota.usage.current) : (used.get(m.metric)?.quantity ?? "0");
                  return (
                    <UsageBar key={m.metric} metric={m.metric} used={quantity} limit={m.limit} included={m.includedQuantity} enforcement={m.enforcement} />
                  );
                })}
                {extra.map((i) => (
                  <UsageBar key={i.metric} metric={i.metric} used={i.quantity} limit={null} included={0} />
                ))}
                {meters.length === 0 && extra.length === 0 ? <p class="muted">No usage recorded in this period.</p> : null}
              </div>
              {summary.items.some((i) => i.rejected > 0) ? (
                <p class="notice">
                  Refused by a limit this period:{" "}
                  {summary.items
                    .filter((i) => i.rejected > 0)
                    .map((i) => `${metricLabel(i.metric)} ${formatQuantity(i.rejected)} events`)
                    .join(", ")}
                  .
                </p>
              ) : null}
              {own.length ? (
                <div class="table-wrap">
                  <table>
                    <caption>Other quotas</caption>
                    <thead>
                      <tr>
                        <th scope="col">Metric</th>
                        <th scope="col">Set by</th>
                        <th scope="col">Window</th>
                        <th scope="col" class="num">
                          Used
                        </th>
                        <th scope="col" class="num">
                          Limit
                        </th>
                        <th scope="col">Resets</th>
                      </tr>
                    </thead>
                    <tbody>
                      {own.map((q) => (
                        <tr key={q.id}>
                          <td>{metricLabel(q.metric)}</td>
                          <td>{q.source}</td>
                          <td>
                            {q.period.replace("_", " ")} ({q.enforcement})
                          </td>
                          <td class="num">{formatQuantity(q.usage?.current ?? 0)}</td>
                          <td class="num">{formatQuantity(q.limit)}</td>
                          <td>{formatDateTime(q.usage?.resetsAt)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              ) : null}
            </>
          );
        }}
      </Show>
    </section>
  );
}
