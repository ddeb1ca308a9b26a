// The operator's lists: tenants (with plan and period-to-date total), plans (with their versions),
// coupons, test clocks.
import { useState } from "preact/hooks";
import { enc, get, getPage, post } from "../../api";
import { daysLeft, formatDate, formatDateTime, formatMoney, formatQuantity, metricLabel } from "../../format";
import { useResource } from "../../resource";
import { tenantHref } from "../../router";
import { ErrorNotice, Show } from "../../ui/states";
import { DataTable, usePager, type Column } from "../../ui/table";
import { PlanHistory } from "./plan-history";
import type { Coupon, Plan, TenantOverview } from "../../types";

const tenantColumns = (): Column<TenantOverview>[] => [
  {
    key: "tenant",
    header: "Tenant",
    rowHeader: true,
    cell: (t) => <a href={tenantHref(t.id, "overview")}>{t.name ? `${t.name} (${t.id})` : t.id}</a>,
  },
  { key: "plan", header: "Plan", cell: (t) => t.subscription?.planId ?? <span class="muted">none</span> },
  {
    key: "status",
    header: "Status",
    cell: (t) => (t.subscription ? <span class={`badge badge-${t.subscription.status}`}>{t.subscription.status}</span> : "—"),
  },
  {
    key: "period",
    header: "Period",
    cell: (t) =>
      t.subscription
        ? `${formatDate(t.subscription.currentPeriodStart)} – ${formatDate(t.subscription.currentPeriodEnd)} (${daysLeft(t.subscription.currentPeriodEnd, t.testClock ? Date.parse(t.testClock.frozenTime) : Date.now())} days left${t.testClock ? " on its test clock" : ""})`
        : "—",
  },
  { key: "ptd", header: "Period to date", num: true, cell: (t) => formatMoney(t.periodToDate) },
];

export function Tenants() {
  const pager = usePager();
  const cursor = pager.cursor;
  const page = useResource(() => getPage<TenantOverview>(`tenants?limit=20${cursor ? `&cursor=${enc(cursor)}` : ""}`), [cursor], { keep: true });
  return (
    <section aria-labelledby="tenants-title">
      <h1 id="tenants-title">Tenants</h1>
      <Show resource={page}>
        {({ data, nextCursor }) => (
          <DataTable
            caption="Tenants by id"
            hideCaption
            columns={tenantColumns()}
            rows={data}
            rowKey={(t) => t.id}
            rowProps={(t) => ({ "data-tenant": t.id })}
            empty="No tenant has settings or a subscription yet."
            pager={pager}
            nextCursor={nextCursor}
            busy={page.loading}
          />
        )}
      </Show>
    </section>
  );
}

export function Plans() {
  // Retired plans too: their subscribers are still billed by them.
  const plans = useResource(() => get<Plan[]>("plans?includeInactive=true"), []);
  return (
    <section aria-labelledby="plans-title">
      <h1 id="plans-title">Plans</h1>
      <Show resource={plans}>
        {(list) => (
          <div class="plan-grid">
            {list.map((p) => (
              <article class="panel" key={p.id} aria-labelledby={`plan-${p.id}`}>
                <h2 id={`plan-${p.id}`}>
                  {p.name} <span class="muted">({p.id})</span> {p.active ? null : <span class="badge badge-canceled">retired</span>}
                </h2>
                <p>
                  {formatMoney({ amount: p.basePrice, currency: p.currency })} per {p.interval}
                  {p.trialDays ? `, ${p.trialDays} trial days` : ""}
                  <span class="muted" data-testid="plan-version">
                    {" "}
                    · version {p.version ?? 1}
                    {p.updatedAt ? ` since ${formatDate(p.updatedAt)}` : ""}
                  </span>
                </p>
                {p.meters.length ? (
                  <table>
                    <caption class="sr-only">Meters of {p.name}</caption>
                    <thead>
                      <tr>
                        <th scope="col">Meter</th>
                        <th scope="col" class="num">
                          Included
                        </th>
                        <th scope="col" class="num">
                          Limit
                        </th>
                      </tr>
                    </thead>
                    <tbody>
                      {p.meters.map((m) => (
                        <tr key={m.metric}>
                          <td>
                            {metricLabel(m.metric)} <span class="muted">({m.aggregation})</span>
                          </td>
                          <td class="num">{formatQuantity(m.includedQuantity)}</td>
                          <td class="num">{m.limit === null ? "none" : `${formatQuantity(m.limit)} (${m.enforcement})`}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                ) : null}
                {p.features?.length ? (
                  <p class="plan-features">
                    <span class="muted">Features: </span>
                    {p.features
                      .map((f) => (f.type === "metered" ? f.key : f.type === "boolean" ? `${f.key} ${f.value ? "on" : "off"}` : `${f.key} ${f.value}`))
                      .join(", ")}
                  </p>
                ) : null}
                <PlanHistory plan={p} />
              </article>
            ))}
          </div>
        )}
      </Show>
    </section>
  );
}

export function Coupons() {
  const coupons = useResource(() => getPage<Coupon>("coupons?limit=200"), []);
  return (
    <section aria-labelledby="coupons-title">
      <h1 id="coupons-title">Coupons</h1>
      <Show resource={coupons}>
        {({ data }) =>
          data.length === 0 ? (
            <p class="muted">No coupons yet.</p>
          ) : (
            <div class="table-wrap">
              <table>
                <caption class="sr-only">Coupons, newest first</caption>
                <thead>
                  <tr>
                    <th scope="col">Code</th>
                    <th scope="col">Discount</th>
                    <th scope="col">Duration</th>
                    <th scope="col" class="num">
                      Redeemed
                    </th>
                    <th scope="col">Redeem by</th>
                    <th scope="col">State</th>
                  </tr>
                </thead>
                <tbody>
                  {data.map((c) => (
                    <tr key={c.id} data-coupon={c.code}>
                      <td>
                        <code>{c.code}</code> {c.name ? <span class="muted">{c.name}</span> : null}
                      </td>
                      <td>{c.percentOff !== null ? `${c.percentOff}% off` : `${formatMoney({ amount: c.amountOff ?? 0, currency: c.currency })} off`}</td>
                      <td>{c.duration === "repeating" ? `${c.durationInMonths} months` : c.duration}</td>
                      <td class="num">
                        {c.timesRedeemed}
                        {c.maxRedemptions !== null ? ` of ${c.maxRedemptions}` : ""}
                      </td>
                      <td>{formatDate(c.redeemBy)}</td>
                      <td>
                        <span class={`badge badge-${c.valid ? "active" : "canceled"}`}>
                          {c.valid ? "valid" : c.active ? "exhausted or expired" : "inactive"}
                        </span>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </Show>
    </section>
  );
}

interface TestClock {
  id: string;
  name: string | null;
  frozenTime: string;
  status: "ready" | "advancing" | "failed";
  advancingTo: string | null;
  failure: string | null;
  tenants: string[];
}

/** Test clocks (README "Test clocks"); where they are off the API answers 404 and this says so. */
export function TestClocks() {
  const clocks = useResource(() => getPage<TestClock>("test-clocks"), [], { pollMs: 2000 });
  const [error, setError] = useState<Error>();
  const advance = async (clock: TestClock, to: string) => {
    setError(undefined);
    try {
      await post(`test-clocks/${enc(clock.id)}/advance`, { frozenTime: new Date(to).toISOString() });
      await clocks.reload();
    } catch (err) {
      setError(err as Error);
    }
  };
  return (
    <section aria-labelledby="clocks-title">
      <h1 id="clocks-title">Test clocks</h1>
      {error ? <ErrorNotice error={error} /> : null}
      <Show resource={clocks} unavailable={{ what: "Test clocks", path: "/api/v1/billing/test-clocks" }}>
        {({ data }) =>
          data.length === 0 ? (
            <p class="muted">No test clocks.</p>
          ) : (
            <ul class="plan-grid">
              {data.map((c) => (
                <li class="panel" key={c.id}>
                  <h2>{c.name ?? c.id}</h2>
                  <p data-testid="clock-time">
                    At {formatDateTime(c.frozenTime)} · <span class={`badge badge-${c.status}`}>{c.status}</span>
                    {c.advancingTo ? <> · moving to {formatDateTime(c.advancingTo)}</> : null}
                  </p>
                  {c.failure ? <p role="alert">The last advance failed: {c.failure}</p> : null}
                  {c.tenants.length ? (
                    <p>
                      Tenants:{" "}
                      {c.tenants.map((t) => (
                        <a key={t} href={tenantHref(t, "invoices")}>
                          {t}{" "}
                        </a>
                      ))}
                    </p>
                  ) : null}
                  <div class="actions">
                    <button type="button" class="button" disabled={c.status === "advancing"} onClick={() => advance(c, addMonth(c.frozenTime))}>
                      Advance one month
                    </button>
                    <button type="button" class="button" disabled={c.status === "advancing"} onClick={() => advance(c, addDays(c.frozenTime, 1))}>
                      Advance one day
                    </button>
                  </div>
                </li>
              ))}
            </ul>
          )
        }
      </Show>
    </section>
  );
}

const addDays = (iso: string, days: number) => new Date(Date.parse(iso) + days * 86_400_000).toISOString();
function addMonth(iso: string): string {
  const d = new Date(iso);
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + 1);
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, last));
  return d.toISOString();
}
