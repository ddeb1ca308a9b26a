// Webhook endpoints with each one's delivery log, and the tenant's event log (README "Webhooks").
import { enc, getPage } from "../../api";
import { formatDateTime } from "../../format";
import { useResource } from "../../resource";
import { DataTable, usePager, type Column } from "../../ui/table";
import { Show } from "../../ui/states";
import type { WebhookDelivery, WebhookEndpoint, WebhookEvent } from "../../types";

const POLL_MS = 5000;
const PAGE = 20;

export function WebhookEndpoints({ tenantId }: { tenantId: string }) {
  const t = enc(tenantId);
  // At most 20 endpoints per tenant: one page holds them all.
  const endpoints = useResource(() => getPage<WebhookEndpoint>(`tenants/${t}/webhook-endpoints?limit=20`), [tenantId], { pollMs: POLL_MS });
  return (
    <section aria-labelledby="webhooks-title">
      <h1 id="webhooks-title">Webhook endpoints</h1>
      <Show resource={endpoints} unavailable={{ what: "Webhook endpoints", path: `/api/v1/billing/tenants/${t}/webhook-endpoints` }}>
        {({ data }) =>
          data.length === 0 ? (
            <p class="muted" data-empty>
              No endpoints registered. Register one with <code>POST /api/v1/billing/tenants/{tenantId}/webhook-endpoints</code>; its signing secret is shown
              only in that answer.
            </p>
          ) : (
            <ul class="endpoint-list">
              {data.map((e) => (
                <Endpoint key={e.id} endpoint={e} />
              ))}
            </ul>
          )
        }
      </Show>
      <Events tenantId={tenantId} />
    </section>
  );
}

function Endpoint({ endpoint: e }: { endpoint: WebhookEndpoint }) {
  const title = `endpoint-${e.id}`;
  return (
    <li class="panel" data-endpoint={e.id}>
      <h2 id={title} class="endpoint-url">
        {e.url}
      </h2>
      <p>
        <span class={`badge badge-${e.enabled ? "active" : "canceled"}`}>{e.enabled ? "enabled" : "disabled"}</span>
        {e.failingSince ? <span class="badge badge-past_due">failing since {formatDateTime(e.failingSince)}</span> : null}
        {e.source === "alert" ? <span class="badge">for an alert</span> : null}
        {e.description ? <span>{e.description}</span> : null}
      </p>
      {!e.enabled && e.disabledReason ? <p class="notice notice-error">Disabled: {e.disabledReason}</p> : null}
      <dl class="facts">
        <div>
          <dt>Events</dt>
          <dd>{e.events.includes("*") ? "all events" : e.events.join(", ")}</dd>
        </div>
        <div>
          <dt>Endpoint id</dt>
          <dd>
            <code>{e.id}</code>
          </dd>
        </div>
        <div>
          <dt>Registered</dt>
          <dd>{formatDateTime(e.createdAt)}</dd>
        </div>
        {e.previousSecretExpiresAt ? (
          <div>
            <dt>Previous secret signs until</dt>
            <dd>{formatDateTime(e.previousSecretExpiresAt)}</dd>
          </div>
        ) : null}
      </dl>
      <Deliveries endpoint={e} />
    </li>
  );
}

const DELIVERY_COLUMNS: Column<WebhookDelivery>[] = [
  { key: "when", header: "Attempted", cell: (d) => formatDateTime(d.attemptedAt) },
  {
    key: "event",
    header: "Event",
    cell: (d) => (
      <>
        {d.eventType}
        <div class="muted cell-note">
          <code>{d.eventId}</code>
        </div>
      </>
    ),
  },
  { key: "attempt", header: "Attempt", num: true, cell: (d) => d.attempt },
  { key: "status", header: "Status", cell: (d) => <span class={`badge badge-${d.status}`}>{d.status}</span> },
  { key: "code", header: "Response", num: true, cell: (d) => (d.responseStatus === null ? "—" : d.responseStatus) },
  { key: "duration", header: "Took", num: true, cell: (d) => `${d.durationMs} ms` },
  {
    key: "next",
    header: "Error / next attempt",
    cell: (d) =>
      d.error || d.nextAttemptAt ? (
        <>
          {d.error ?? null}
          {d.nextAttemptAt ? <div class="muted cell-note">retried {formatDateTime(d.nextAttemptAt)}</div> : null}
        </>
      ) : (
        "—"
      ),
  },
];

function Deliveries({ endpoint }: { endpoint: WebhookEndpoint }) {
  const pager = usePager([endpoint.id]);
  const cursor = pager.cursor;
  const page = useResource(
    () => getPage<WebhookDelivery>(`webhook-endpoints/${enc(endpoint.id)}/deliveries?limit=${PAGE}${cursor ? `&cursor=${enc(cursor)}` : ""}`),
    [endpoint.id, cursor],
    { pollMs: cursor ? undefined : POLL_MS, keep: true },
  );
  return (
    <Show resource={page}>
      {({ data, nextCursor }) => (
        <DataTable
          caption={`Deliveries to ${endpoint.url}, newest first`}
          columns={DELIVERY_COLUMNS}
          rows={data}
          rowKey={(d) => d.id}
          rowProps={(d) => ({ "data-delivery": d.id, "data-status": d.status })}
          empty="Nothing delivered to this endpoint yet."
          pager={pager}
          nextCursor={nextCursor}
          busy={page.loading}
        />
      )}
    </Show>
  );
}

const EVENT_COLUMNS: Column<WebhookEvent>[] = [
  { key: "when", header: "Time", cell: (e) => formatDateTime(e.timestamp) },
  { key: "type", header: "Type", rowHeader: true, cell: (e) => e.type },
  { key: "id", header: "Event id", cell: (e) => <code>{e.id}</code> },
  {
    key: "data",
    header: "Payload",
    cell: (e) => (
      <details>
        <summary>
          Show<span class="sr-only"> the payload of {e.id}</span>
        </summary>
        <pre class="payload" tabIndex={0}>
          {JSON.stringify(e.data, null, 2)}
        </pre>
      </details>
    ),
  },
];

function Events({ tenantId }: { tenantId: string }) {
  const pager = usePager([tenantId]);
  const cursor = pager.cursor;
  const page = useResource(
    () => getPage<WebhookEvent>(`tenants/${enc(tenantId)}/events?limit=${PAGE}${cursor ? `&cursor=${enc(cursor)}` : ""}`),
    [tenantId, cursor],
    { keep: true },
  );
  return (
    <>
      <h2 id="events-title">Event log</h2>
      <p class="muted">Every event the tenant's changes produced in the last 30 days, whether or not an endpoint subscribes to it.</p>
      <Show resource={page}>
        {({ data, nextCursor }) => (
          <DataTable
            caption="Events, newest first"
            hideCaption
            columns={EVENT_COLUMNS}
            rows={data}
            rowKey={(e) => e.id}
            rowProps={(e) => ({ "data-event": e.id })}
            empty="No events in the last 30 days."
            pager={pager}
            nextCursor={nextCursor}
            busy={page.loading}
          />
        )}
      </Show>
    </>
  );
}
