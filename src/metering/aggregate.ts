import type { Aggregation } from "../plans/schemas";
import { maxOf, SCALE } from "./quantity";

/**
 * Everything any aggregation needs about a set of events, kept for every bucket
 * whatever the metric's aggregation is today: a plan that later changes a meter
 * from `sum` to `max` still has the numbers. Quantities are nano-units.
 */
export interface Aggregate {
  /** Accepted events. */
  events: number;
  sum: bigint;
  max: bigint | null;
  /** The reading with the greatest (timestamp, arrival sequence): what a gauge shows. */
  latest: Reading | null;
  /** Events refused (quota, paused subscription); never part of the other fields. */
  rejected: number;
}

export interface Reading {
  at: number;
  seq: number;
  value: bigint;
}

export const emptyAggregate = (): Aggregate => ({ events: 0, sum: 0n, max: null, latest: null, rejected: 0 });

const later = (a: Reading | null, b: Reading | null): Reading | null => {
  if (!a) return b;
  if (!b) return a;
  return b.at > a.at || (b.at === a.at && b.seq > a.seq) ? b : a;
};

/** `into` plus one accepted event (mutates and returns `into`). */
export function addEvent(into: Aggregate, quantity: bigint, at: number, seq: number): Aggregate {
  into.events += 1;
  into.sum += quantity;
  into.max = into.max === null ? quantity : maxOf(into.max, quantity);
  into.latest = later(into.latest, { at, seq, value: quantity });
  return into;
}

/** `into` plus everything in `other` (mutates and returns `into`). */
export function mergeAggregate(into: Aggregate, other: Aggregate): Aggregate {
  into.events += other.events;
  into.sum += other.sum;
  into.max = into.max === null ? other.max : other.max === null ? into.max : maxOf(into.max, other.max);
  into.latest = later(into.latest, other.latest);
  into.rejected += other.rejected;
  return into;
}

export const copyAggregate = (a: Aggregate): Aggregate => ({ ...a });

/**
 * The metered value, in nano-units. `unique_count` is not derivable from the
 * aggregate (distinct values are kept separately), so its count is passed in.
 */
export function meteredValue(a: Aggregate, aggregation: Aggregation, uniqueCount = 0): bigint {
  switch (aggregation) {
    case "sum":
      return a.sum;
    case "count":
      return BigInt(a.events) * SCALE;
    case "max":
      return a.max ?? 0n;
    case "latest":
      return a.latest?.value ?? 0n;
    case "unique_count":
      return BigInt(uniqueCount) * SCALE;
  }
}
