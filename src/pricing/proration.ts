import { allocate } from "../money/allocate";

/** A half-open interval of time [start, end) in epoch milliseconds. */
export interface Span {
  start: number;
  end: number;
}

export interface ProratedSlice extends Span {
  amount: number;
}

/** Whole seconds: proration counts time by the second, so sub-second jitter never moves a cent. */
const toSeconds = (ms: number) => Math.floor(ms / 1000);

/** Seconds of `slice` that lie inside `period` (0 when they do not overlap). */
export function overlapSeconds(period: Span, slice: Span): number {
  const start = Math.max(toSeconds(period.start), toSeconds(slice.start));
  const end = Math.min(toSeconds(period.end), toSeconds(slice.end));
  return Math.max(0, end - start);
}

export function periodSeconds(period: Span): number {
  const seconds = toSeconds(period.end) - toSeconds(period.start);
  if (seconds <= 0) throw new RangeError("A period must last at least one second");
  return seconds;
}

/**
 * Splits `amount` over the consecutive slices of `period` cut at `cuts` (instants inside
 * the period; others are ignored), by the second, with largest-remainder allocation so
 * the slices sum to exactly `amount`.
 */
export function splitPeriod(amount: number, period: Span, cuts: readonly number[]): ProratedSlice[] {
  periodSeconds(period);
  const inner = [...new Set(cuts.filter((t) => t > period.start && t < period.end))].sort((a, b) => a - b);
  const bounds = [period.start, ...inner, period.end];
  const slices = bounds.slice(1).map((end, i) => ({ start: bounds[i]!, end }));
  const parts = allocate(
    amount,
    slices.map((s) => overlapSeconds(period, s)),
  );
  return slices.map((s, i) => ({ ...s, amount: parts[i]! }));
}
