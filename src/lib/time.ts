/**
 * Time on the wire and in arithmetic: UTC epoch milliseconds inside, ISO 8601 outside.
 * Durations are fixed lengths; calendar arithmetic (months, anniversaries) lives with the
 * periods that need it (subscriptions/periods.ts, metering/periods.ts).
 */
export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** "2026-04-01T00:00:00.000Z" */
export const iso = (ms: number): string => new Date(ms).toISOString();

/** The UTC calendar day: "2026-04-01". */
export const isoDay = (ms: number): string => iso(ms).slice(0, 10);
