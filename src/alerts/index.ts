/**
 * Alerts on a tenant's cost or usage, as stored (D1 `realtime_alerts`) and triggered. A trigger
 * belongs to one window of the alert's period (the billing period, the UTC day or hour it
 * happened in): the alert stays `triggered` (or `dismissed`) until that window ends, then reads
 * `ok` again and can fire anew. Each trigger is a `usage.alert.triggered` webhook event.
 *
 * When they are evaluated:
 * - usage: by the tenant's meter, in the transaction of the write that makes the metered value
 *   reach the threshold (before < threshold ≤ after); the meter keeps the thresholds (pushed with
 *   `setAlerts` whenever alerts change) and returns the crossings, which are stored here.
 * - cost: by src/realtime, which prices usage (its cost-alerts.ts says when).
 */
export { Alert, AlertPeriod, AlertType } from "./schemas";
export type { AlertView } from "./view";
export { alertTenant, armedCostAlerts, dismissAlert, findAlert, insertAlert, listAlerts, setLastValue, tenantsWithCostAlerts } from "./store";
export { triggerAlert } from "./trigger";
export { pushAlerts, recordAlertCrossings, sweepAlertCrossings, type AlertCrossing, type MeterAlertRule } from "./meter";
