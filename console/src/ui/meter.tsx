import { formatQuantity, metricLabel, percent } from "../format";

/** One meter's usage against its limit (or its included quantity when it has no limit). */
export function UsageBar({
  metric,
  used,
  limit,
  included,
  enforcement,
}: {
  metric: string;
  used: string;
  limit: number | null;
  included: number;
  enforcement?: string;
}) {
  const label = metricLabel(metric);
  const of = limit ?? (included > 0 ? included : null);
  const share = of === null ? 0 : percent(Number(used), of);
  // The bar stops at 100%; the text says how far past the included quantity usage went.
  const exact = of === null || of === 0 ? 0 : (Number(used) / of) * 100;
  const over = limit !== null && Number(used) >= limit;
  const describedBy = `meter-${metric}-note`;
  return (
    <div class="usage" data-metric={metric} data-used={used}>
      <div class="usage-head">
        <span class="usage-name" id={`meter-${metric}-label`}>
          {label}
        </span>
        <span class="usage-figure">
          {formatQuantity(used)}
          {of !== null ? ` of ${formatQuantity(of)}` : ""}
        </span>
      </div>
      <div
        class={`bar${over ? " bar-over" : limit !== null && share >= 80 ? " bar-warn" : ""}`}
        role="meter"
        aria-labelledby={`meter-${metric}-label`}
        aria-describedby={describedBy}
        aria-valuemin={0}
        aria-valuemax={of ?? 0}
        aria-valuenow={of === null ? 0 : Math.min(Number(used), of)}
        aria-valuetext={`${formatQuantity(used)}${of !== null ? ` of ${formatQuantity(of)} (${exact.toFixed(0)}%)` : ""}`}
      >
        <div class="bar-fill" style={{ width: `${share}%` }} />
      </div>
      <p class="usage-note muted" id={describedBy}>
        {limit !== null
          ? `${exact.toFixed(1)}% of the ${enforcement === "soft" ? "soft" : "hard"} limit for this period${included > 0 ? `; ${formatQuantity(included)} included` : ""}`
          : included > 0
            ? `${exact.toFixed(1)}% of the ${formatQuantity(included)} included${exact > 100 ? " (the rest is billed)" : ""}; no limit`
            : "No limit on this plan"}
      </p>
    </div>
  );
}

/**
 * A compact meter for a table cell: the figures as text beside the bar, and the same figures
 * as the meter's value text (`label` names it, e.g. "LLM tokens used").
 */
export function LimitMeter({ label, used, limit }: { label: string; used: number; limit: number }) {
  const exact = limit > 0 ? (used / limit) * 100 : used > 0 ? 100 : 0;
  const share = Math.min(100, exact);
  const text = `${formatQuantity(used)} of ${formatQuantity(limit)} (${exact.toFixed(0)}%)`;
  return (
    <div class="limit-meter">
      <span class="usage-figure">{text}</span>
      <div
        class={`bar bar-compact${used >= limit ? " bar-over" : share >= 80 ? " bar-warn" : ""}`}
        role="meter"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={limit}
        aria-valuenow={Math.min(used, limit)}
        aria-valuetext={text}
      >
        <div class="bar-fill" style={{ width: `${share}%` }} />
      </div>
    </div>
  );
}
