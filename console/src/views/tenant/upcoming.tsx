// Views for capabilities that other parts of the platform are adding. Each asks its API and
// shows a clear "not available on this server" while that API answers 404.
import { enc, get } from "../../api";
import { useResource } from "../../resource";
import { AnyData } from "../../ui/data";
import { Show } from "../../ui/states";

export function Upcoming({ title, path, what, sub = false }: { title: string; path: string; what: string; sub?: boolean }) {
  const resource = useResource(() => get<unknown>(path), [path]);
  const id = `upcoming-${path.replace(/[^a-z0-9]+/gi, "-")}`;
  const Heading = sub ? "h2" : "h1";
  return (
    <section aria-labelledby={id}>
      <Heading id={id}>{title}</Heading>
      <Show resource={resource} unavailable={{ what, path: `/api/v1/billing/${path}` }}>
        {(data) => <AnyData value={data} caption={title} />}
      </Show>
    </section>
  );
}

export const Wallet = ({ tenantId }: { tenantId: string }) => (
  <>
    <Upcoming title="Wallet" what="The prepaid wallet" path={`tenants/${enc(tenantId)}/wallet`} />
    <Upcoming sub title="Wallet transactions" what="The wallet's transactions" path={`tenants/${enc(tenantId)}/wallet/transactions`} />
  </>
);
export const Entitlements = ({ tenantId }: { tenantId: string }) => (
  <Upcoming title="Entitlements" what="Entitlements" path={`tenants/${enc(tenantId)}/entitlements`} />
);
export const WebhookEndpoints = ({ tenantId }: { tenantId: string }) => (
  <Upcoming title="Webhook endpoints" what="Webhook endpoints" path={`tenants/${enc(tenantId)}/webhook-endpoints`} />
);
