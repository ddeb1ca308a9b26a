// The prepaid wallet: balances (refreshed every few seconds, so usage debits show as they are
// counted), the policy and auto top-up with controls to change them, grants, open holds and
// the transactions, newest first.
import { useState } from "preact/hooks";
import { ApiError, enc, get, getPage, put } from "../../api";
import { formatDateTime, formatMoney, formatQuantity, majorToMinor, metricLabel, minorToDecimal } from "../../format";
import { useResource } from "../../resource";
import { tenantHref } from "../../router";
import { DataTable, usePager, type Column } from "../../ui/table";
import { DecimalInput, SaveBar, useSave } from "../../ui/form";
import { Show } from "../../ui/states";
import type { UsageHold, Wallet as WalletData, WalletGrant, WalletPolicy, WalletTransaction, WalletTransactionKind } from "../../types";
import { USAGE_POLL_MS } from "./usage";

export const WALLET_POLL_MS = USAGE_POLL_MS;

export const KIND_LABELS: Record<WalletTransactionKind, string> = {
  grant: "Credit granted",
  usage: "Usage debit",
  usage_reversal: "Usage repriced",
  consumption: "Applied to an invoice",
  settlement_refund: "Prepaid usage returned",
  settlement_reversal: "Settlement reversed",
  restore: "Restored (invoice voided)",
};

const SOURCE_LABELS: Record<WalletGrant["source"], string> = {
  operator: "Operator",
  subscription: "Subscription credit",
  top_up: "Automatic top-up",
  carry_forward: "Carried forward",
};

const POLICY_LABELS: Record<WalletPolicy, string> = {
  block: "Block: usage the balance cannot pay for is refused",
  overdraft: "Overdraft: usage is accepted and what the balance does not cover is invoiced",
};

export function Wallet({ tenantId, canUpdate }: { tenantId: string; canUpdate: boolean }) {
  const t = enc(tenantId);
  const wallet = useResource(() => get<WalletData>(`tenants/${t}/wallet`), [tenantId], { pollMs: WALLET_POLL_MS });
  // The currency new settings are typed in: the wallet's, else the tenant's own.
  const tenant = useResource(() => get<{ currency: string }>(`tenants/${t}`), [tenantId]);
  return (
    <section aria-labelledby="wallet-title">
      <h1 id="wallet-title">Wallet</h1>
      <Show resource={wallet} unavailable={{ what: "The prepaid wallet", path: `/api/v1/billing/tenants/${t}/wallet` }}>
        {(w) => {
          const currency = w.balances[0]?.currency ?? tenant.data?.currency ?? "USD";
          return (
            <>
              <p class="muted">
                Updated{" "}
                <time dateTime={new Date(wallet.updatedAt ?? Date.now()).toISOString()}>
                  {formatDateTime(new Date(wallet.updatedAt ?? Date.now()).toISOString())}
                </time>
                ; refreshes every {WALLET_POLL_MS / 1000} seconds.
              </p>
              {!w.enabled ? (
                <div class="notice" role="status" data-state="no-wallet">
                  <strong>No wallet yet.</strong>
                  <p>
                    Usage is not debited in real time; credit granted on a subscription is used by its invoices. Choosing a policy below (or an operator's first
                    wallet grant) gives this tenant a wallet.
                  </p>
                </div>
              ) : null}
              <Balances wallet={w} />
              {canUpdate ? null : (
                <p class="muted" id="wallet-scope-note">
                  This token cannot change the wallet (that needs <code>billing:update</code>): the server will refuse what is saved here.
                </p>
              )}
              <div class="panel-grid">
                <PolicyForm tenantId={tenantId} wallet={w} currency={currency} canUpdate={canUpdate} onSaved={wallet.reload} />
                <AutoTopUpForm tenantId={tenantId} wallet={w} currency={currency} canUpdate={canUpdate} onSaved={wallet.reload} />
              </div>
              <Grants grants={w.grants} />
            </>
          );
        }}
      </Show>
      <Holds tenantId={tenantId} />
      <Transactions tenantId={tenantId} />
    </section>
  );
}

function Balances({ wallet }: { wallet: WalletData }) {
  if (wallet.balances.length === 0) return wallet.enabled ? <p class="muted">No credit in the wallet.</p> : null;
  return (
    <ul class="cards" aria-label="Balance per currency">
      {wallet.balances.map((b) => (
        <li class="card" key={b.currency} data-testid="wallet-balance" data-currency={b.currency} data-available={String(b.available)}>
          <div class="card-label">Available ({b.currency})</div>
          <div class="card-value">{formatMoney({ amount: b.available, currency: b.currency })}</div>
          <div class="card-hint muted">{b.held ? `${formatMoney({ amount: b.held, currency: b.currency })} held by open holds` : "nothing held"}</div>
        </li>
      ))}
      <li class="card">
        <div class="card-label">Policy</div>
        <div class="card-value" data-testid="wallet-policy">
          {wallet.policy ?? "none"}
        </div>
        <div class="card-hint muted">
          {wallet.policy === "block"
            ? "usage beyond the balance is refused"
            : wallet.policy === "overdraft"
              ? "usage beyond the balance is invoiced"
              : "not debited in real time"}
        </div>
      </li>
    </ul>
  );
}

/** A field typed in the currency's major unit, sent as exact minor units ("" → null). */
const amountOrNull = (text: string, currency: string) => (text.trim() === "" ? null : majorToMinor(text, currency));
const asText = (minor: number | null | undefined, currency: string) => (minor === null || minor === undefined ? "" : minorToDecimal(minor, currency));

function PolicyForm({
  tenantId,
  wallet,
  currency,
  canUpdate,
  onSaved,
}: {
  tenantId: string;
  wallet: WalletData;
  currency: string;
  canUpdate: boolean;
  onSaved: () => Promise<void>;
}) {
  // The form starts from the wallet as it was when the view opened; polling does not overwrite what is being typed.
  const [policy, setPolicy] = useState<WalletPolicy>(wallet.policy ?? "block");
  const [threshold, setThreshold] = useState(() => asText(wallet.lowBalanceThreshold, currency));
  const save = useSave(onSaved);
  const submit = (e: Event) => {
    e.preventDefault();
    void save.run(`Saved: policy ${policy}.`, async () => {
      const lowBalanceThreshold = amountOrNull(threshold, currency);
      await put(`tenants/${enc(tenantId)}/wallet/settings`, { policy, lowBalanceThreshold });
    });
  };
  return (
    <form
      class="panel form-grid"
      onSubmit={submit}
      aria-labelledby="policy-title"
      aria-describedby={canUpdate ? undefined : "wallet-scope-note"}
      data-testid="policy-form"
    >
      <h2 id="policy-title">Policy</h2>
      <fieldset>
        <legend>When the balance cannot pay for usage</legend>
        {(["block", "overdraft"] as const).map((p) => (
          <label key={p} class="choice">
            <input type="radio" name="wallet-policy" value={p} checked={policy === p} onChange={() => setPolicy(p)} />
            <span>{POLICY_LABELS[p]}</span>
          </label>
        ))}
      </fieldset>
      <label>
        Low-balance alert below ({currency})
        <DecimalInput value={threshold} onValue={setThreshold} aria-describedby="threshold-hint" />
      </label>
      <p class="muted hint" id="threshold-hint">
        <code>credits.balance_low</code> is sent when the balance falls under it. Empty: 10 % of the unexpired credit granted.
      </p>
      <SaveBar save={save} label="Save policy" />
    </form>
  );
}

function AutoTopUpForm({
  tenantId,
  wallet,
  currency,
  canUpdate,
  onSaved,
}: {
  tenantId: string;
  wallet: WalletData;
  currency: string;
  canUpdate: boolean;
  onSaved: () => Promise<void>;
}) {
  const top = wallet.autoTopUp;
  const [threshold, setThreshold] = useState(() => asText(top?.threshold, currency));
  const [amount, setAmount] = useState(() => asText(top?.amount, currency));
  const [maxPerMonth, setMaxPerMonth] = useState(() => String(top?.maxPerMonth ?? 3));
  const save = useSave(onSaved);
  const submit = (e: Event) => {
    e.preventDefault();
    void save.run("Saved: auto top-up is on.", async () => {
      await put(`tenants/${enc(tenantId)}/wallet/auto-top-up`, {
        threshold: majorToMinor(threshold, currency),
        amount: majorToMinor(amount, currency),
        maxPerMonth: Number(maxPerMonth),
      });
    });
  };
  const money = (minor: number) => formatMoney({ amount: minor, currency });
  return (
    <form
      class="panel form-grid"
      onSubmit={submit}
      aria-labelledby="top-up-title"
      aria-describedby={canUpdate ? "top-up-state" : "top-up-state wallet-scope-note"}
      data-testid="top-up-form"
    >
      <h2 id="top-up-title">Auto top-up</h2>
      <div id="top-up-state" class="form-note" data-testid="top-up-state">
        {!top ? (
          <p>
            Off. When on, a debit that takes the available balance below the threshold charges the amount to the default payment method; the credit is granted
            once Stripe confirms the payment.
          </p>
        ) : top.active ? (
          <p>
            <span class="badge badge-active">active</span> Below {money(top.threshold)}, {money(top.amount)} is charged to the default payment method, at most{" "}
            {top.maxPerMonth} {top.maxPerMonth === 1 ? "time" : "times"} a calendar month.
          </p>
        ) : (
          <p role="alert">
            <span class="badge badge-failed">stopped</span> The last charge failed{top.failure ? `: ${top.failure}` : ""}. Auto top-up stays off until these
            settings are saved again.
          </p>
        )}
      </div>
      <label>
        When the balance falls below ({currency})
        <DecimalInput required value={threshold} onValue={setThreshold} />
      </label>
      <label>
        Top up by ({currency})
        <DecimalInput required value={amount} onValue={setAmount} />
      </label>
      <label>
        At most, per month
        <input required type="number" min={1} max={100} step={1} value={maxPerMonth} onInput={(e) => setMaxPerMonth(e.currentTarget.value)} />
      </label>
      <SaveBar save={save} label={top ? "Save auto top-up" : "Turn on auto top-up"} />
    </form>
  );
}

const appliesTo = (metrics: string[] | null) => (metrics ? metrics.map(metricLabel).join(", ") : "Any usage, base fees and invoices");

const GRANT_COLUMNS: Column<WalletGrant>[] = [
  {
    key: "grant",
    header: "Grant",
    rowHeader: true,
    cell: (g) => (
      <>
        <code>{g.grantId}</code>
        <div class="muted cell-note">{g.reason}</div>
      </>
    ),
  },
  { key: "source", header: "Source", cell: (g) => SOURCE_LABELS[g.source] ?? g.source },
  {
    key: "remaining",
    header: "Remaining",
    num: true,
    cell: (g) => (
      <>
        {formatMoney({ amount: g.remaining, currency: g.currency })}
        <div class="muted cell-note">of {formatMoney({ amount: g.amount, currency: g.currency })}</div>
      </>
    ),
  },
  { key: "priority", header: "Priority", num: true, cell: (g) => g.priority },
  {
    key: "expires",
    header: "Expires",
    cell: (g) => (
      <>
        {g.expiresAt ? formatDateTime(g.expiresAt) : "Never"}
        {g.expired ? (
          <>
            {" "}
            <span class="badge badge-canceled">expired</span>
          </>
        ) : null}
      </>
    ),
  },
  { key: "applies", header: "Applies to", cell: (g) => appliesTo(g.appliesTo) },
  { key: "created", header: "Granted", cell: (g) => formatDateTime(g.createdAt) },
];

function Grants({ grants }: { grants: WalletGrant[] }) {
  return (
    <>
      <h2 id="grants-title">Grants</h2>
      <p class="muted">Usage draws on the lowest priority number first, then on the grant that expires soonest.</p>
      <DataTable
        caption="Grants"
        hideCaption
        columns={GRANT_COLUMNS}
        rows={grants}
        rowKey={(g) => g.grantId}
        rowProps={(g) => ({ "data-grant": g.grantId })}
        empty="No credit has been granted."
      />
    </>
  );
}

const HOLD_COLUMNS: Column<UsageHold>[] = [
  { key: "hold", header: "Hold", rowHeader: true, cell: (h) => <code>{h.holdId}</code> },
  { key: "metric", header: "Metric", cell: (h) => metricLabel(h.metric) },
  { key: "quantity", header: "Quantity", num: true, cell: (h) => formatQuantity(h.quantity) },
  { key: "amount", header: "Reserved", num: true, cell: (h) => (h.currency ? formatMoney({ amount: h.amount, currency: h.currency }) : "—") },
  { key: "scope", header: "Project / resource", cell: (h) => [h.projectId, h.resource].filter(Boolean).join(" · ") || "—" },
  { key: "expires", header: "Expires", cell: (h) => formatDateTime(h.expiresAt) },
];

function Holds({ tenantId }: { tenantId: string }) {
  const holds = useResource(() => get<UsageHold[]>(`tenants/${enc(tenantId)}/usage/holds`), [tenantId], { pollMs: WALLET_POLL_MS });
  return (
    <>
      <h2 id="holds-title">Open holds</h2>
      {holds.error instanceof ApiError && holds.error.status === 403 ? (
        <p class="muted">Open holds need a token with billing:read or usage:write.</p>
      ) : (
        <Show resource={holds}>
          {(list) => (
            <DataTable
              caption="Open holds, oldest first"
              hideCaption
              columns={HOLD_COLUMNS}
              rows={list}
              rowKey={(h) => h.holdId}
              empty="No open holds: nothing is reserved against the balance."
            />
          )}
        </Show>
      )}
    </>
  );
}

function transactionColumns(tenantId: string): Column<WalletTransaction>[] {
  return [
    { key: "when", header: "When", cell: (x) => formatDateTime(x.createdAt) },
    { key: "kind", header: "Kind", cell: (x) => <span class={`badge badge-kind-${x.kind}`}>{KIND_LABELS[x.kind] ?? x.kind}</span> },
    {
      key: "amount",
      header: "Amount",
      num: true,
      cell: (x) => (
        <span class={x.amount < 0 ? "debit" : "credit"} data-amount={String(x.amount)}>
          {formatMoney({ amount: x.amount, currency: x.currency }, { signed: true })}
        </span>
      ),
    },
    { key: "grant", header: "Grant", cell: (x) => <code>{x.grantId}</code> },
    {
      key: "detail",
      header: "Details",
      cell: (x) => (
        <>
          {x.reason}
          {x.eventId || x.invoiceId ? (
            <div class="muted cell-note">
              {x.eventId ? (
                <>
                  event <code>{x.eventId}</code>
                </>
              ) : null}
              {x.invoiceId ? (
                <>
                  {x.eventId ? " · " : null}
                  <a href={tenantHref(tenantId, "invoices", x.invoiceId)}>invoice {x.invoiceId}</a>
                </>
              ) : null}
            </div>
          ) : null}
        </>
      ),
    },
  ];
}

export const TRANSACTIONS_PAGE = 25;

function Transactions({ tenantId }: { tenantId: string }) {
  const pager = usePager([tenantId]);
  const cursor = pager.cursor;
  // The first page follows the balance (new debits appear at its top); older pages hold still.
  const page = useResource(
    () => getPage<WalletTransaction>(`tenants/${enc(tenantId)}/wallet/transactions?limit=${TRANSACTIONS_PAGE}${cursor ? `&cursor=${enc(cursor)}` : ""}`),
    [tenantId, cursor],
    { pollMs: cursor ? undefined : WALLET_POLL_MS, keep: true },
  );
  return (
    <>
      <h2 id="transactions-title">Transactions</h2>
      <Show resource={page}>
        {({ data, nextCursor }) => (
          <DataTable
            caption="Wallet transactions, newest first"
            hideCaption
            columns={transactionColumns(tenantId)}
            rows={data}
            rowKey={(x) => x.id}
            rowProps={(x) => ({ "data-kind": x.kind })}
            empty="No transactions yet."
            pager={pager}
            nextCursor={nextCursor}
            busy={page.loading}
          />
        )}
      </Show>
    </>
  );
}
