// Payment methods through the seed 002 surface; without Stripe the server says so (503).
import { ApiError, enc, get } from "../../api";
import { useResource } from "../../resource";
import { ErrorNotice, Loading } from "../../ui/states";
import type { PaymentMethod } from "../../types";

export function PaymentMethods({ tenantId }: { tenantId: string }) {
  const methods = useResource(() => get<PaymentMethod[]>(`/organizations/${enc(tenantId)}/payment_methods`), [tenantId]);
  const notConfigured = methods.error instanceof ApiError && methods.error.status === 503;
  return (
    <section aria-labelledby="pm-title">
      <h1 id="pm-title">Payment methods</h1>
      {notConfigured ? (
        <div class="notice" role="status" data-state="not-configured">
          <strong>Payments are not configured on this server.</strong>
          <p>
            Stripe has no secret key here (<code>STRIPE_SECRET_KEY</code>), so there are no payment methods to show and invoices are not charged. The server
            said: {methods.error!.message}
          </p>
        </div>
      ) : methods.error ? (
        <ErrorNotice error={methods.error} />
      ) : !methods.data ? (
        <Loading />
      ) : methods.data.length === 0 ? (
        <p class="muted">No payment method on file.</p>
      ) : (
        <ul class="cards">
          {methods.data.map((m) => (
            <li class="card" key={m.id}>
              <div class="card-label">
                {m.payment_type}
                {m.default ? " · default" : ""}
              </div>
              <div class="card-value">
                {m.brand ?? m.payment_type} •••• {m.last4 ?? "—"}
              </div>
              {m.exp_month ? (
                <div class="card-hint muted">
                  expires {String(m.exp_month).padStart(2, "0")}/{m.exp_year}
                </div>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      {!notConfigured ? (
        <p class="muted">
          Adding a card uses Stripe's Payment Element, which loads Stripe.js from Stripe; this console loads nothing from outside its server, so new methods are
          added through the customer portal (<code>POST /api/v1/billing/stripe/portal</code>).
        </p>
      ) : null}
    </section>
  );
}
