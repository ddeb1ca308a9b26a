// Invoices: the list with status and totals, one invoice's lines, and its PDF.
import { useState } from "preact/hooks";
import { download, enc, get, getPage } from "../../api";
import { formatDate, formatMoney, formatQuantity } from "../../format";
import { useResource } from "../../resource";
import { tenantHref } from "../../router";
import { ErrorNotice, Show } from "../../ui/states";
import type { Invoice } from "../../types";

const Status = ({ status }: { status: Invoice["status"] }) => <span class={`badge badge-${status}`}>{status}</span>;

export function Invoices({ tenantId }: { tenantId: string }) {
  const [cursor, setCursor] = useState<string>();
  const list = useResource(() => getPage<Invoice>(`tenants/${enc(tenantId)}/invoices?limit=50${cursor ? `&cursor=${enc(cursor)}` : ""}`), [tenantId, cursor]);
  return (
    <section aria-labelledby="invoices-title">
      <h1 id="invoices-title">Invoices</h1>
      <Show resource={list}>
        {({ data, nextCursor }) =>
          data.length === 0 ? (
            <p class="muted">No invoices yet: the first one is drafted when the current period ends.</p>
          ) : (
            <>
              <div class="table-wrap">
                <table>
                  <caption class="sr-only">Invoices, newest first</caption>
                  <thead>
                    <tr>
                      <th scope="col">Invoice</th>
                      <th scope="col">Period</th>
                      <th scope="col">Status</th>
                      <th scope="col" class="num">
                        Total
                      </th>
                      <th scope="col" class="num">
                        Due
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.map((inv) => (
                      <tr key={inv.id}>
                        <td>
                          <a href={tenantHref(tenantId, "invoices", inv.id)}>{inv.number ?? `Draft ${inv.id}`}</a>
                        </td>
                        <td>
                          {formatDate(inv.periodStart)} – {formatDate(inv.periodEnd)}
                        </td>
                        <td>
                          <Status status={inv.status} />
                        </td>
                        <td class="num">{formatMoney(inv.total)}</td>
                        <td class="num">{formatMoney(inv.amountDue)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <div class="actions">
                {cursor ? (
                  <button type="button" class="button" onClick={() => setCursor(undefined)}>
                    Newest
                  </button>
                ) : null}
                {nextCursor ? (
                  <button type="button" class="button" onClick={() => setCursor(nextCursor)}>
                    Older invoices
                  </button>
                ) : null}
              </div>
            </>
          )
        }
      </Show>
    </section>
  );
}

export function InvoiceDetail({ tenantId, invoiceId }: { tenantId: string; invoiceId: string }) {
  const invoice = useResource(() => get<Invoice>(`invoices/${enc(invoiceId)}`), [invoiceId]);
  const [saved, setSaved] = useState<string>();
  const [error, setError] = useState<Error>();
  const pdf = async (inv: Invoice) => {
    setError(undefined);
    try {
      setSaved(await download(`invoices/${enc(inv.id)}/pdf`, `${inv.number ?? inv.id}.pdf`));
    } catch (err) {
      setError(err as Error);
    }
  };
  return (
    <section aria-labelledby="invoice-title">
      <p>
        <a href={tenantHref(tenantId, "invoices")}>← All invoices</a>
      </p>
      <Show resource={invoice}>
        {(inv) => (
          <>
            <h1 id="invoice-title">
              {inv.number ?? "Draft invoice"} <Status status={inv.status} />
            </h1>
            <dl class="facts facts-wide">
              <div>
                <dt>Period</dt>
                <dd>
                  {formatDate(inv.periodStart)} – {formatDate(inv.periodEnd)}
                </dd>
              </div>
              <div>
                <dt>Issued</dt>
                <dd>{formatDate(inv.finalizedAt)}</dd>
              </div>
              <div>
                <dt>Due</dt>
                <dd>{formatDate(inv.dueAt)}</dd>
              </div>
              <div>
                <dt>Paid</dt>
                <dd>{formatDate(inv.paidAt)}</dd>
              </div>
            </dl>
            <div class="table-wrap">
              <table>
                <caption>Lines</caption>
                <thead>
                  <tr>
                    <th scope="col">Description</th>
                    <th scope="col" class="num">
                      Quantity
                    </th>
                    <th scope="col" class="num">
                      Unit price ({inv.currency}, minor units)
                    </th>
                    <th scope="col" class="num">
                      Amount
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {inv.lines.map((l, i) => (
                    <tr key={l.id ?? i}>
                      <td>{l.description}</td>
                      <td class="num">{formatQuantity(l.quantity)}</td>
                      <td class="num">{l.unitPrice.amount}</td>
                      <td class="num">{formatMoney(l.amount)}</td>
                    </tr>
                  ))}
                </tbody>
                <tfoot>
                  <Total label="Subtotal" money={inv.subtotal} />
                  {inv.discounts.amount ? <Total label="Discounts" money={inv.discounts} /> : null}
                  <Total label={`Tax (${(inv.tax.rateBps / 100).toFixed(2)}%)`} money={inv.tax} />
                  <Total label="Total" money={inv.total} />
                  {inv.creditsApplied.amount ? <Total label="Credits applied" money={inv.creditsApplied} /> : null}
                  <Total label="Amount due" money={inv.amountDue} />
                </tfoot>
              </table>
            </div>
            {inv.status === "draft" ? (
              <p class="muted">A draft has no PDF yet; it is rendered when the invoice is finalized.</p>
            ) : (
              <div class="actions">
                <button type="button" class="button button-primary" onClick={() => pdf(inv)}>
                  Download PDF
                </button>
                {saved ? (
                  <span role="status" class="muted">
                    Saved {saved}
                  </span>
                ) : null}
              </div>
            )}
            {error ? <ErrorNotice error={error} /> : null}
          </>
        )}
      </Show>
    </section>
  );
}

const Total = ({ label, money }: { label: string; money: Invoice["total"] }) => (
  <tr>
    <th scope="row" colSpan={3}>
      {label}
    </th>
    <td class="num">{formatMoney(money)}</td>
  </tr>
);
