const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * The wait after each failed attempt (the 1st failure waits 5 s, …, the 9th 24 h); after the
 * 10th attempt fails the delivery is given up. Together ≈ 75.6 h before jitter, so an event
 * is retried for more than three days.
 */
export const RETRY_DELAYS_MS = [5 * SECOND, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 5 * HOUR, 10 * HOUR, 14 * HOUR, 20 * HOUR, 24 * HOUR];
/** Each wait is stretched by up to this fraction at random, so a recovering receiver is not hit by every sender at once. */
export const JITTER = 0.2;
/** An endpoint that has failed every attempt for this long is disabled. */
export const DISABLE_AFTER_MS = 5 * DAY;
/** One attempt: connect, send, and the answer's first kilobyte. */
export const ATTEMPT_TIMEOUT_MS = 5 * SECOND;

/** When to try again after the failure at retry step `step` (0-based), or null to give up. */
export function nextAttemptAt(step: number, now: number, random: () => number = Math.random): number | null {
  const delay = RETRY_DELAYS_MS[step];
  if (delay === undefined) return null;
  return now + Math.round(delay * (1 + JITTER * random()));
}
