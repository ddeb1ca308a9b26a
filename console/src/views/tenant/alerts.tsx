// Cost and usage alerts: the list with their state, a form to add one, and dismiss.
import { useState } from "preact/hooks";
import { ApiError, enc, get, getPage, post } from "../../api";
import { formatDateTime, formatMoney, formatQuantity, majorToMinor, metricLabel } from "../../format";
import { useResource } from "../../resource";
import { DecimalInput } from "../../ui/form";
import { ErrorNotice, Show } from "../../ui/states";
import type { Alert } from "../../types";

const METRICS = ["apiCalls", "llmTokens", "storage"];

/** Cost thresholds are in the subscription's currency (the tenant's when it has none). */
async function alertCurrency(tenantId: string): Promise<string> {
  try {
    return (await get<{ currency: string }>(`tenants/${enc(tenantId)}/subscription`)).currency;
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 404)) throw err;
    return (await get<{ currency: string }>(`tenants/${enc(tenantId)}`)).currency;
  }
}

export function Alerts({ tenantId, canUpdate }: { tenantId: string; canUpdate: boolean }) {
  const t = enc(tenantId);
  const alerts = useResource(() => getPage<Alert>(`realtime-cost/tenants/${t}/alerts?limit=200`), [tenantId]);
  const currencyOf = useResource(() => alertCurrency(tenantId), [tenantId]);
  const currency = currencyOf.data ?? "USD";
  const [error, setError] = useState<Error>();
  const dismiss = async (a: Alert) => {
    setError(undefined);
    try {
      await post(`realtime-cost/alerts/${enc(a.id)}/dismiss`);
      await alerts.reload();
    } catch (err) {
      setError(err as Error);
    }
  };
  const threshold = (a: Alert) =>
    a.type === "cost" ? formatMoney({ amount: a.threshold, currency }) : `${formatQuantity(a.threshold)} ${a.metric ? metricLabel(a.metric) : ""}`;
  return (
    <section aria-labelledby="alerts-title">
      <h1 id="alerts-title">Alerts</h1>
      {error ? <ErrorNotice error={error} /> : null}
      <Show resource={alerts}>
        {({ data }) =>
          data.length === 0 ? (
            <p class="muted">No alerts yet.</p>
          ) : (
            <div class="table-wrap">
              <table>
                <caption class="sr-only">Alerts</caption>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">When</th>
                    <th scope="col">State</th>
                    <th scope="col">Triggered</th>
                    <th scope="col">
                      <span class="sr-only">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {data.map((a) => (
                    <tr key={a.id} data-alert={a.id}>
                      <td>{a.name ?? `${a.type} alert`}</td>
                      <td>
                        {a.type === "cost" ? "Cost" : "Usage"} reaches {threshold(a)} per {a.period.replace("_", " ")}
                      </td>
                      <td>
                        <span class={`badge badge-${a.state}`}>{a.state}</span>
                      </td>
                      <td>{formatDateTime(a.triggeredAt)}</td>
                      <td>
                        {a.state === "triggered" && canUpdate ? (
                          <button type="button" class="button button-small" onClick={() => dismiss(a)} aria-label={`Dismiss ${a.name ?? "alert"}`}>
                            Dismiss
                          </button>
                        ) : null}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </Show>
      {canUpdate && currencyOf.data ? <NewAlert tenantId={tenantId} currency={currency} onCreated={alerts.reload} /> : null}
    </section>
  );
}

function NewAlert({ tenantId, currency, onCreated }: { tenantId: string; currency: string; onCreated: () => Promise<void> }) {
  const [type, setType] = useState<"cost" | "usage">("cost");
  const [metric, setMetric] = useState(METRICS[0]!);
  const [threshold, setThreshold] = useState("");
  const [period, setPeriod] = useState("billing_period");
  const [name, setName] = useState("");
  const [error, setError] = useState<Error>();
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      // A cost threshold is typed in major units and sent as integer minor units.
      const value = type === "cost" ? majorToMinor(threshold, currency) : Number(threshold);
      await post(`realtime-cost/tenants/${enc(tenantId)}/alerts`, {
        type,
        threshold: value,
        period,
        ...(type === "usage" ? { metric } : {}),
        ...(name.trim() ? { name: name.trim() } : {}),
      });
      setThreshold("");
      setName("");
      await onCreated();
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="panel form-grid" onSubmit={submit} aria-labelledby="new-alert-title">
      <h2 id="new-alert-title">New alert</h2>
      <label>
        Name (optional)
        <input value={name} onInput={(e) => setName(e.currentTarget.value)} maxLength={200} />
      </label>
      <label>
        Type
        <select value={type} onChange={(e) => setType(e.currentTarget.value as "cost" | "usage")}>
          <option value="cost">Cost</option>
          <option value="usage">Usage</option>
        </select>
      </label>
      {type === "usage" ? (
        <label>
          Metric
          <select value={metric} onChange={(e) => setMetric(e.currentTarget.value)}>
            {METRICS.map((m) => (
              <option key={m} value={m}>
                {metricLabel(m)}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      <label>
        Threshold {type === "cost" ? `(${currency})` : "(quantity)"}
        <DecimalInput required value={threshold} onValue={setThreshold} />
      </label>
      <label>
        Per
        <select value={period} onChange={(e) => setPeriod(e.currentTarget.value)}>
          <option value="billing_period">Billing period</option>
          <option value="day">Day (UTC)</option>
          <option value="hour">Hour (UTC)</option>
        </select>
      </label>
      <div class="actions">
        <button type="submit" class="button button-primary" disabled={busy}>
          Create alert
        </button>
      </div>
      {error ? <ErrorNotice error={error} /> : null}
    </form>
  );
}
