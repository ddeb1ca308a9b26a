// Plan, status and period, with the actions a tenant can take on its subscription.
import { useState } from "preact/hooks";
import { ApiError, enc, get, post } from "../../api";
import { daysLeft, formatDate, formatMoney } from "../../format";
import { useResource } from "../../resource";
import { ConfirmDialog } from "../../ui/dialog";
import { ErrorNotice, Loading } from "../../ui/states";
import type { InvoicePreview, Proration, Plan, Subscription, SubscriptionChange } from "../../types";

type Action =
  | { kind: "change"; plan: Plan; at: "now" | "period_end" }
  | { kind: "cancel"; atPeriodEnd: boolean }
  | { kind: "pause" | "resume" | "reactivate" }
  | { kind: "subscribe"; plan: Plan };

const price = (plan: Plan) => `${formatMoney({ amount: plan.basePrice, currency: plan.currency })} per ${plan.interval}`;

export function Overview({ tenantId, canUpdate }: { tenantId: string; canUpdate: boolean }) {
  const sub = useResource(async () => {
    try {
      return await get<Subscription>(`tenants/${enc(tenantId)}/subscription`);
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) return null;
      throw err;
    }
  }, [tenantId]);
  const plans = useResource(() => get<Plan[]>("plans"), []);
  // A tenant on a test clock lives at the clock's time: days left count from it.
  const tenant = useResource(() => get<{ testClock: { id: string; frozenTime: string } | null }>(`tenants/${enc(tenantId)}`), [tenantId]);
  const clock = tenant.data?.testClock ?? null;
  const now = clock ? Date.parse(clock.frozenTime) : Date.now();
  const [action, setAction] = useState<Action>();
  const [done, setDone] = useState<{ message: string; prorations: Proration[] }>();

  if (sub.error) return <ErrorNotice error={sub.error} />;
  if (plans.error) return <ErrorNotice error={plans.error} />;
  if (sub.data === undefined || !plans.data) return <Loading />;
  const allPlans = plans.data;
  const current = sub.data;
  const plan = current ? allPlans.find((p) => p.id === current.planId) : undefined;

  const finish = async (message: string, prorations: Proration[] = []) => {
    setDone({ message, prorations });
    await sub.reload();
  };

  return (
    <section aria-labelledby="overview-title">
      <h1 id="overview-title">Subscription</h1>
      {done ? <Outcome {...done} /> : null}
      {current ? (
        <>
          <dl class="facts facts-wide">
            <div>
              <dt>Plan</dt>
              <dd data-testid="plan">
                {plan?.name ?? current.planId} <span class="muted">({plan ? price(plan) : current.planId})</span>
              </dd>
            </div>
            <div>
              <dt>Status</dt>
              <dd>
                <span class={`badge badge-${current.status}`}>{current.status.replace("_", " ")}</span>
                {current.cancelAtPeriodEnd ? <span class="badge badge-canceled">cancels {formatDate(current.cancelAt)}</span> : null}
              </dd>
            </div>
            <div>
              <dt>Current period</dt>
              <dd>
                {formatDate(current.currentPeriodStart)} – {formatDate(current.currentPeriodEnd)}
              </dd>
            </div>
            <div>
              <dt>Days left</dt>
              <dd data-testid="days-left">{daysLeft(current.currentPeriodEnd, now)}</dd>
            </div>
            {clock ? (
              <div>
                <dt>Test clock</dt>
                <dd data-testid="test-clock">at {formatDate(clock.frozenTime)}</dd>
              </div>
            ) : null}
            {current.scheduledChange ? (
              <div>
                <dt>Scheduled</dt>
                <dd>
                  Switches to {current.scheduledChange.planId} on {formatDate(current.scheduledChange.at)}
                </dd>
              </div>
            ) : null}
            {current.pausedAt ? (
              <div>
                <dt>Paused</dt>
                <dd>
                  since {formatDate(current.pausedAt)}
                  {current.resumesAt ? `, resumes ${formatDate(current.resumesAt)}` : ""}
                </dd>
              </div>
            ) : null}
          </dl>
          {canUpdate ? <Actions sub={current} plans={allPlans} onAction={setAction} /> : <p class="muted">This token can read but not change billing.</p>}
        </>
      ) : (
        <>
          <p>This tenant has no live subscription.</p>
          {canUpdate ? (
            <PlanPicker plans={allPlans.filter((p) => p.active)} label="Subscribe to" onPick={(p) => setAction({ kind: "subscribe", plan: p })} />
          ) : null}
        </>
      )}
      {action ? (
        <ActionDialog tenantId={tenantId} sub={current} plan={plan} action={action} now={now} onClose={() => setAction(undefined)} onDone={finish} />
      ) : null}
    </section>
  );
}

function Actions({ sub, plans, onAction }: { sub: Subscription; plans: Plan[]; onAction: (a: Action) => void }) {
  const others = plans.filter((p) => p.active && p.id !== sub.planId && p.currency === sub.currency);
  const live = sub.status !== "canceled";
  return (
    <div class="panel">
      <h2>Change the subscription</h2>
      {live && sub.status !== "paused" && !sub.cancelAtPeriodEnd ? (
        <PlanPicker plans={others} label="Switch to" withTiming onPick={(plan, at) => onAction({ kind: "change", plan, at: at ?? "now" })} />
      ) : null}
      <div class="actions">
        {sub.status === "paused" ? (
          <button type="button" class="button" onClick={() => onAction({ kind: "resume" })}>
            Resume
          </button>
        ) : sub.status === "active" ? (
          <button type="button" class="button" onClick={() => onAction({ kind: "pause" })}>
            Pause
          </button>
        ) : null}
        {sub.cancelAtPeriodEnd ? (
          <button type="button" class="button" onClick={() => onAction({ kind: "reactivate" })}>
            Keep the subscription
          </button>
        ) : live ? (
          <>
            <button type="button" class="button button-danger" onClick={() => onAction({ kind: "cancel", atPeriodEnd: true })}>
              Cancel at period end
            </button>
            <button type="button" class="button button-danger" onClick={() => onAction({ kind: "cancel", atPeriodEnd: false })}>
              Cancel now
            </button>
          </>
        ) : null}
      </div>
    </div>
  );
}

function PlanPicker({
  plans,
  label,
  withTiming,
  onPick,
}: {
  plans: Plan[];
  label: string;
  withTiming?: boolean;
  onPick: (p: Plan, at?: "now" | "period_end") => void;
}) {
  const [planId, setPlanId] = useState(plans[0]?.id ?? "");
  const [at, setAt] = useState<"now" | "period_end">("now");
  if (plans.length === 0) return <p class="muted">No other plan in this currency.</p>;
  const submit = (e: Event) => {
    e.preventDefault();
    const plan = plans.find((p) => p.id === planId);
    if (plan) onPick(plan, withTiming ? at : undefined);
  };
  return (
    <form class="inline-form" onSubmit={submit}>
      <label>
        {label}
        <select value={planId} onChange={(e) => setPlanId(e.currentTarget.value)}>
          {plans.map((p) => (
            <option value={p.id} key={p.id}>
              {p.name} — {price(p)}
            </option>
          ))}
        </select>
      </label>
      {withTiming ? (
        <label>
          When
          <select value={at} onChange={(e) => setAt(e.currentTarget.value as "now" | "period_end")}>
            <option value="now">Now, with proration</option>
            <option value="period_end">At the end of the period</option>
          </select>
        </label>
      ) : null}
      <button type="submit" class="button button-primary">
        Review
      </button>
    </form>
  );
}

function ActionDialog({
  tenantId,
  sub,
  plan,
  action,
  now,
  onClose,
  onDone,
}: {
  tenantId: string;
  sub: Subscription | null;
  plan: Plan | undefined;
  action: Action;
  /** The tenant's time (its test clock's, or the real one). */
  now: number;
  onClose: () => void;
  onDone: (message: string, prorations?: Proration[]) => Promise<void>;
}) {
  // The invoice so far, so the confirmation shows what the period already costs.
  const preview = useResource(() => (sub ? get<InvoicePreview>(`tenants/${enc(tenantId)}/billing/preview`) : Promise.resolve(null)), [tenantId]);
  const path = sub ? `subscriptions/${enc(sub.id)}` : "";
  // What switching now would prorate, asked of the API (dry run) before anything is confirmed.
  const dryRun = useResource(
    () =>
      sub && action.kind === "change" && action.at === "now"
        ? post<SubscriptionChange>(`${path}/change-plan`, { planId: action.plan.id, at: "now", prorate: true, dryRun: true })
        : Promise.resolve(null),
    [tenantId, action],
  );
  const so = preview.data ? <p>The invoice for this period stands at {formatMoney(preview.data.total)} so far.</p> : null;

  switch (action.kind) {
    case "subscribe":
      return (
        <ConfirmDialog
          title={`Subscribe to ${action.plan.name}?`}
          confirmLabel="Subscribe"
          onClose={onClose}
          onConfirm={async () => {
            await post(`tenants/${enc(tenantId)}/subscriptions`, { planId: action.plan.id });
            await onDone(`Subscribed to ${action.plan.name}.`);
          }}
        >
          <p>
            {price(action.plan)}
            {action.plan.trialDays ? `, starting with ${action.plan.trialDays} trial days` : ""}.
          </p>
        </ConfirmDialog>
      );
    case "change": {
      const immediate = action.at === "now";
      const trialing = sub?.status === "trialing";
      return (
        <ConfirmDialog
          title={`Switch to ${action.plan.name}${immediate ? " now" : " at period end"}?`}
          confirmLabel={immediate ? "Switch now" : "Schedule the switch"}
          onClose={onClose}
          onConfirm={async () => {
            const changed = await post<SubscriptionChange>(`${path}/change-plan`, { planId: action.plan.id, at: action.at, prorate: true });
            await onDone(
              immediate ? `Switched to ${action.plan.name}.` : `${action.plan.name} starts on ${formatDate(changed.currentPeriodEnd)}.`,
              changed.prorations,
            );
          }}
        >
          <p>
            From {plan ? `${plan.name} (${price(plan)})` : sub?.planId} to {action.plan.name} ({price(action.plan)}).
          </p>
          {immediate && !trialing ? (
            <>
              <p>
                Proration: the unused rest of this period on {plan?.name ?? "the current plan"} is credited and the rest of the period on {action.plan.name} is
                charged, both from this moment until {formatDate(sub?.currentPeriodEnd)} ({daysLeft(sub?.currentPeriodEnd ?? "", now)} days); the items appear
                on the next invoice. Usage from now on is priced at {action.plan.name}.
              </p>
              {dryRun.data ? (
                <ul data-testid="proration-preview">
                  {dryRun.data.prorations.map((p) => (
                    <li key={p.planId + p.amount}>
                      {p.description}: {formatMoney({ amount: p.amount, currency: p.currency })}
                    </li>
                  ))}
                </ul>
              ) : dryRun.error ? (
                <ErrorNotice error={dryRun.error} />
              ) : (
                <p class="muted">Working out the proration…</p>
              )}
            </>
          ) : immediate ? (
            <p>The trial continues on {action.plan.name}; nothing is prorated.</p>
          ) : (
            <p>
              Nothing changes until {formatDate(sub?.currentPeriodEnd)}; the next period starts on {action.plan.name}. No proration.
            </p>
          )}
          {so}
        </ConfirmDialog>
      );
    }
    case "cancel":
      return (
        <ConfirmDialog
          title={action.atPeriodEnd ? "Cancel at the end of the period?" : "Cancel now?"}
          confirmLabel={action.atPeriodEnd ? "Cancel at period end" : "Cancel now"}
          destructive
          onClose={onClose}
          onConfirm={async () => {
            const changed = await post<SubscriptionChange>(
              `${path}/cancel`,
              action.atPeriodEnd ? { atPeriodEnd: true } : { atPeriodEnd: false, prorate: true },
            );
            await onDone(
              action.atPeriodEnd ? `The subscription ends on ${formatDate(changed.cancelAt)}.` : "The subscription is canceled.",
              changed.prorations,
            );
          }}
        >
          {action.atPeriodEnd ? (
            <p>The subscription stays active until {formatDate(sub?.currentPeriodEnd)}, then ends. You can take this back until then.</p>
          ) : (
            <p>The subscription ends now. The period so far is invoiced, and the unused rest of the base fee is credited.</p>
          )}
          {so}
        </ConfirmDialog>
      );
    default: {
      const verb = { pause: "Pause", resume: "Resume", reactivate: "Keep" }[action.kind];
      const detail = {
        pause: "Usage governed by this subscription is refused (402) while it is paused; the base fee is not charged for the paused time.",
        resume: "Usage is accepted again and the base fee runs from now.",
        reactivate: "The cancellation at period end is withdrawn.",
      }[action.kind];
      return (
        <ConfirmDialog
          title={`${verb} the subscription?`}
          confirmLabel={verb}
          onClose={onClose}
          onConfirm={async () => {
            await post(`${path}/${action.kind}`, {});
            await onDone(`${verb}: done.`);
          }}
        >
          <p>{detail}</p>
        </ConfirmDialog>
      );
    }
  }
}

function Outcome({ message, prorations }: { message: string; prorations: Proration[] }) {
  return (
    <div class="notice notice-ok" role="status">
      <strong>{message}</strong>
      {prorations.length ? (
        <>
          <p>What this does to this period's base fee:</p>
          <ul>
            {prorations.map((p) => (
              <li key={`${p.planId}:${p.amount}`}>
                {p.description}: {formatMoney(p)}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </div>
  );
}
