import type { MeterPlanState } from "./plan-state";
import { DAY_MS, HOUR_MS } from "../lib/time";

/** Half-open [start, end), epoch ms UTC. */
export interface Window {
  start: number;
  end: number;
}

export const hourOf = (ts: number): number => Math.floor(ts / HOUR_MS) * HOUR_MS;
export const dayOf = (ts: number): number => Math.floor(ts / DAY_MS) * DAY_MS;

export function calendarWindow(period: "hour" | "day" | "month", ts: number): Window {
  if (period === "hour") return { start: hourOf(ts), end: hourOf(ts) + HOUR_MS };
  if (period === "day") return { start: dayOf(ts), end: dayOf(ts) + DAY_MS };
  const d = new Date(ts);
  return {
    start: Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1),
    end: Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1),
  };
}

/**
 * The billing period of `state` that contains `ts`: the pushed current period,
 * or, once it has ended and the renewal has not been pushed yet, the next
 * periods of the same length. Null for a time before the current period:
 * that period is closed and its usage is recorded but not enforced against.
 * Without a subscription the billing period is the calendar month (UTC).
 */
export function billingWindow(state: MeterPlanState | null, ts: number): Window | null {
  if (!state) return calendarWindow("month", ts);
  const { periodStart: start, periodEnd: end } = state;
  if (ts < start) return null;
  if (ts < end) return { start, end };
  const length = Math.max(end - start, HOUR_MS);
  const k = Math.floor((ts - end) / length);
  return { start: end + k * length, end: end + (k + 1) * length };
}

/**
 * Rollups are hourly, except that an hour containing a billing-period boundary
 * is split there, so a period's usage is exactly the buckets starting inside it.
 * `boundaries` is ascending.
 */
export function bucketStart(ts: number, boundaries: readonly number[]): number {
  const hour = hourOf(ts);
  let lo = 0;
  let hi = boundaries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (boundaries[mid]! <= ts) lo = mid + 1;
    else hi = mid;
  }
  const boundary = lo > 0 ? boundaries[lo - 1]! : -Infinity;
  return Math.max(boundary, hour);
}

export const contains = (w: Window, ts: number): boolean => ts >= w.start && ts < w.end;
