// What the tenant's plan entitles it to right now (GET …/entitlements, answered by its meter):
// each feature with its value, or its usage against the binding limit, and the wallet's balance
// from the same call.
import { enc, get } from "../../api";
import { formatDateTime, formatMoney, formatQuantity, metricLabel } from "../../format";
import { useResource } from "../../resource";
import { tenantHref } from "../../router";
import { LimitMeter } from "../../ui/meter";
import { DataTable, type Column } from "../../ui/table";
import { Show } from "../../ui/states";
import type { FeatureEntitlement, TenantEntitlements } from "../../types";
import { USAGE_POLL_MS } from "./usage";

const TYPE_LABELS: Record<FeatureEntitlement["type"], string> = { boolean: "On/off", static: "Fixed value", metered: "Metered" };

function featureValue(f: FeatureEntitlement) {
  if (f.type === "boolean") return f.value === false ? "Off" : "On";
  if (f.type === "static") return typeof f.value === "number" ? formatQuantity(f.value) : String(f.value ?? "—");
  const used = f.used ?? 0;
  if (f.limit === null || f.limit === undefined) return `${formatQuantity(used)} used · no limit`;
  return <LimitMeter label={`${metricLabel(f.key)} used of its limit`} used={used} limit={f.limit} />;
}

const COLUMNS: Column<FeatureEntitlement>[] = [
  {
    key: "key",
    header: "Feature",
    rowHeader: true,
    cell: (f) => (
      <>
        {metricLabel(f.key)} <span class="muted">({f.key})</span>
      </>
    ),
  },
  { key: "type", header: "Type", cell: (f) => TYPE_LABELS[f.type] ?? f.type },
  {
    key: "enabled",
    header: "Usable now",
    cell: (f) => <span class={`badge badge-${f.enabled ? "active" : "canceled"}`}>{f.enabled ? "yes" : "no"}</span>,
  },
  { key: "value", header: "Value or usage", cell: featureValue },
  { key: "resets", header: "Resets", cell: (f) => (f.type === "metered" ? formatDateTime(f.resetsAt) : "—") },
];

export function Entitlements({ tenantId }: { tenantId: string }) {
  const t = enc(tenantId);
  const entitlements = useResource(() => get<TenantEntitlements>(`tenants/${t}/entitlements`), [tenantId], { pollMs: USAGE_POLL_MS });
  return (
    <section aria-labelledby="entitlements-title">
      <h1 id="entitlements-title">Entitlements</h1>
      <Show resource={entitlements} unavailable={{ what: "Entitlements", path: `/api/v1/billing/tenants/${t}/entitlements` }}>
        {(e) => (
          <>
            <dl class="facts">
              <div>
                <dt>Plan</dt>
                <dd data-testid="entitlements-plan">{e.planId ?? "none"}</dd>
              </div>
              <div>
                <dt>Subscription</dt>
                <dd>{e.subscriptionId ? <a href={tenantHref(tenantId, "overview")}>{e.subscriptionId}</a> : "none"}</dd>
              </div>
              <div>
                <dt>Wallet</dt>
                <dd data-testid="entitlements-wallet">
                  {e.wallet.balances.length
                    ? e.wallet.balances.map((b) => (
                        <span key={b.currency} class="nowrap">
                          {formatMoney({ amount: b.available, currency: b.currency })} available
                          {b.held ? `, ${formatMoney({ amount: b.held, currency: b.currency })} held` : ""}
                        </span>
                      ))
                    : e.wallet.policy
                      ? "empty"
                      : "no wallet"}
                  {e.wallet.policy ? <span class="muted"> (policy {e.wallet.policy})</span> : null}
                </dd>
              </div>
            </dl>
            <p class="muted">
              What the governing subscription's plan allows right now; refreshes every {USAGE_POLL_MS / 1000} seconds. A metered feature is usable while its
              usage is under its hard limit.
            </p>
            <DataTable
              caption="Features"
              hideCaption
              columns={COLUMNS}
              rows={e.features}
              rowKey={(f) => f.key}
              rowProps={(f) => ({ "data-feature": f.key, "data-enabled": String(f.enabled) })}
              empty={e.planId ? "This plan declares no features." : "No live subscription, so no features."}
            />
          </>
        )}
      </Show>
    </section>
  );
}
