/**
 * Usage alerts as the TenantMeter keeps them (pushed by src/realtime with `setAlerts`, stored
 * in its SQLite `meta` under `alerts`), so an event that crosses a threshold is noticed in the
 * same transaction that records it, without a D1 read on the hot path.
 */
export interface MeterAlertRule {
  alertId: string;
  metric: string;
  /** Exact decimal; the alert fires when the metered value goes from below it to at least it. */
  threshold: string;
  /** billing_period: the tenant-wide subscription's period (calendar month without one). */
  period: "billing_period" | "day" | "hour";
}

/** One alert crossed by one recorded event, in the window that contains now. */
export interface AlertCrossing {
  alertId: string;
  metric: string;
  value: string;
  threshold: string;
  at: number;
  windowStart: number;
  windowEnd: number;
}
