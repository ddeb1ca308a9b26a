// A plan's versions (GET /plans/{id}?version=N for each one; a plan edit writes a new version and
// subscribers stay on theirs until migrated), each with what changed from the one before.
import { useState } from "preact/hooks";
import { enc, get } from "../../api";
import { formatDateTime, formatMoney, formatQuantity, metricLabel } from "../../format";
import { useResource } from "../../resource";
import { Show } from "../../ui/states";
import type { Plan, PlanFeature, PlanMeter } from "../../types";

/** At most this many versions are read back (the newest ones). */
export const HISTORY_VERSIONS = 20;

type Tier = { upTo: number | null; unitPrice: string; flatFee?: number };
type Price =
  | { model: "per_unit"; unitPrice: string }
  | { model: "package"; packageSize: number; packagePrice: number }
  | { model: "graduated" | "volume"; tiers: Tier[] }
  | null;

/** Unit prices are decimal strings in minor units (sub-cent prices stay exact). */
export function describePrice(price: unknown, currency: string): string {
  const p = price as Price;
  if (!p) return "not charged";
  if (p.model === "per_unit") return `${p.unitPrice} minor units each`;
  if (p.model === "package") return `${formatMoney({ amount: p.packagePrice, currency })} per ${formatQuantity(p.packageSize)}`;
  const tiers = p.tiers.map(
    (t) =>
      `${t.unitPrice}${t.upTo === null ? " above" : ` up to ${formatQuantity(t.upTo)}`}${t.flatFee ? ` + ${formatMoney({ amount: t.flatFee, currency })}` : ""}`,
  );
  return `${p.model} (minor units each): ${tiers.join("; ")}`;
}

const limitText = (m: PlanMeter) => (m.limit === null ? "no limit" : `${formatQuantity(m.limit)} (${m.enforcement})`);
const featureText = (f: PlanFeature) =>
  f.type === "metered" ? `metered by ${metricLabel(f.metric)}` : f.type === "boolean" ? (f.value ? "on" : "off") : String(f.value);

/** What `next` changed from `prev`, in words, field by field. */
export function planChanges(prev: Plan, next: Plan): string[] {
  const out: string[] = [];
  const money = (amount: number, currency: string) => formatMoney({ amount, currency });
  if (prev.name !== next.name) out.push(`Name: ${prev.name} → ${next.name}`);
  if ((prev.description ?? "") !== (next.description ?? "")) out.push("Description changed");
  if (prev.currency !== next.currency) out.push(`Currency: ${prev.currency} → ${next.currency}`);
  if (prev.basePrice !== next.basePrice || prev.currency !== next.currency)
    out.push(`Base fee: ${money(prev.basePrice, prev.currency)} → ${money(next.basePrice, next.currency)}`);
  if (prev.interval !== next.interval) out.push(`Interval: ${prev.interval} → ${next.interval}`);
  if (prev.trialDays !== next.trialDays) out.push(`Trial: ${prev.trialDays} → ${next.trialDays} days`);
  if (prev.trialUsage !== next.trialUsage && prev.trialUsage && next.trialUsage) out.push(`Usage in trial: ${prev.trialUsage} → ${next.trialUsage}`);

  const before = new Map(prev.meters.map((m) => [m.metric, m]));
  const after = new Map(next.meters.map((m) => [m.metric, m]));
  for (const [metric, m] of after) {
    const label = metricLabel(metric);
    const old = before.get(metric);
    if (!old) {
      out.push(`Meter added: ${label} (${formatQuantity(m.includedQuantity)} included, limit ${limitText(m)}, ${describePrice(m.price, next.currency)})`);
      continue;
    }
    if (old.aggregation !== m.aggregation) out.push(`${label}: aggregation ${old.aggregation} → ${m.aggregation}`);
    if (old.includedQuantity !== m.includedQuantity)
      out.push(`${label}: included ${formatQuantity(old.includedQuantity)} → ${formatQuantity(m.includedQuantity)}`);
    if (old.limit !== m.limit || old.enforcement !== m.enforcement) out.push(`${label}: limit ${limitText(old)} → ${limitText(m)}`);
    if (JSON.stringify(old.price) !== JSON.stringify(m.price))
      out.push(`${label}: price ${describePrice(old.price, prev.currency)} → ${describePrice(m.price, next.currency)}`);
  }
  for (const metric of before.keys()) if (!after.has(metric)) out.push(`Meter removed: ${metricLabel(metric)}`);

  const fBefore = new Map((prev.features ?? []).map((f) => [f.key, f]));
  const fAfter = new Map((next.features ?? []).map((f) => [f.key, f]));
  for (const [key, f] of fAfter) {
    const old = fBefore.get(key);
    if (!old) out.push(`Feature added: ${key} (${featureText(f)})`);
    else if (JSON.stringify(old) !== JSON.stringify(f)) out.push(`Feature ${key}: ${featureText(old)} → ${featureText(f)}`);
  }
  for (const key of fBefore.keys()) if (!fAfter.has(key)) out.push(`Feature removed: ${key}`);
  return out;
}

async function loadVersions(plan: Plan): Promise<Plan[]> {
  const newest = plan.version ?? 1;
  const oldest = Math.max(1, newest - HISTORY_VERSIONS);
  const numbers = Array.from({ length: newest - oldest + 1 }, (_, i) => newest - i);
  return Promise.all(numbers.map((v) => (v === newest ? Promise.resolve(plan) : get<Plan>(`plans/${enc(plan.id)}?version=${v}`))));
}

/** The plan's history, read when it is opened (one request per version). */
export function PlanHistory({ plan }: { plan: Plan }) {
  const [open, setOpen] = useState(false);
  const versions = plan.version ?? 1;
  // Version 1 has no history to tell (the card says which version it is).
  if (versions < 2) return null;
  return (
    <details class="plan-history" data-plan-history={plan.id} onToggle={(e) => setOpen((e.currentTarget as HTMLDetailsElement).open)}>
      <summary>
        Version history ({versions} {versions === 1 ? "version" : "versions"})
      </summary>
      {open ? <Versions plan={plan} /> : null}
    </details>
  );
}

function Versions({ plan }: { plan: Plan }) {
  const list = useResource(() => loadVersions(plan), [plan.id, plan.version]);
  return (
    <Show resource={list}>
      {(versions) => (
        <ol class="versions" reversed>
          {versions.map((v, i) => {
            const prev = versions[i + 1];
            const changes = prev ? planChanges(prev, v) : [];
            // The current version's fields carry the plan's dates; an older one, when it was written.
            const written = v.version === plan.version ? plan.updatedAt : v.createdAt;
            return (
              <li key={v.version} data-version={v.version}>
                <strong>Version {v.version}</strong> {v.version === plan.version ? <span class="badge badge-active">current</span> : null}
                <span class="muted">written {formatDateTime(written)}</span>
                {prev ? (
                  changes.length ? (
                    <ul>
                      {changes.map((c) => (
                        <li key={c}>{c}</li>
                      ))}
                    </ul>
                  ) : (
                    <p class="muted">No priced or described field changed.</p>
                  )
                ) : v.version === 1 ? (
                  <p class="muted">The first version.</p>
                ) : (
                  <p class="muted">Older versions are not shown here.</p>
                )}
              </li>
            );
          })}
        </ol>
      )}
    </Show>
  );
}
