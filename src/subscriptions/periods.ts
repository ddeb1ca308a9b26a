/**
 * Billing periods by anniversary: period n is [addInterval(anchor, n), addInterval(anchor, n + 1)).
 * Every boundary is computed from the anchor (never from the previous boundary), so a
 * subscription anchored on Jan 31 runs Jan 31 → Feb 28 (29) → Mar 31 → Apr 30 → May 31:
 * short months clamp to their last day and the next month returns to the anchor day.
 * All arithmetic is UTC; the anchor's time of day is kept.
 */
export type Interval = "month" | "year";

export interface Period {
  /** Index from the anchor: 0 is the period starting at the anchor. */
  index: number;
  start: number;
  end: number;
}

const MONTHS: Record<Interval, number> = { month: 1, year: 12 };

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
}

/** `anchor` plus `n` intervals (n may be negative), clamping the day to the target month's end. */
export function addInterval(anchor: number, n: number, interval: Interval): number {
  if (!Number.isInteger(n)) throw new RangeError(`n must be an integer, got ${n}`);
  const a = new Date(anchor);
  const monthIndex = a.getUTCFullYear() * 12 + a.getUTCMonth() + n * MONTHS[interval];
  const year = Math.floor(monthIndex / 12);
  const month = monthIndex - year * 12;
  const day = Math.min(a.getUTCDate(), daysInMonth(year, month));
  const date = new Date(anchor);
  date.setUTCFullYear(year, month, day);
  return date.getTime();
}

/** The anniversary period that contains `at` (at may precede the anchor: negative index). */
export function periodContaining(anchor: number, at: number, interval: Interval): Period {
  const a = new Date(anchor);
  const t = new Date(at);
  const months = (t.getUTCFullYear() - a.getUTCFullYear()) * 12 + (t.getUTCMonth() - a.getUTCMonth());
  let index = Math.floor(months / MONTHS[interval]);
  // The month estimate is at most one off; step until the period brackets `at`.
  while (addInterval(anchor, index, interval) > at) index -= 1;
  while (addInterval(anchor, index + 1, interval) <= at) index += 1;
  return { index, start: addInterval(anchor, index, interval), end: addInterval(anchor, index + 1, interval) };
}
