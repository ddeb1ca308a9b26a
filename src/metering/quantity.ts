import { decimalFromNumber, isNegative, toDecimalString, toScaled, tryParseDecimal } from "../lib/decimal";

/**
 * What a usage quantity is, on the decimal core (src/lib/decimal.ts): an exact non-negative
 * decimal with at most 9 fractional digits. The meter's hot path adds many of them, so in
 * memory a quantity is a fixed-point bigint counting 10^-9 units ("nano-units"); on the wire
 * and in storage it is the canonical decimal string ("0.1", "12", "1073741824"). Floats
 * never add up usage: ten events of 0.1 sum to exactly "1".
 */
export const FRACTION_DIGITS = 9;
export const SCALE = 10n ** BigInt(FRACTION_DIGITS);

/** Largest quantity one event may carry; also the largest integer a double holds exactly. */
export const MAX_EVENT_QUANTITY = 1e15;

/** A plain decimal string ("12", "0.5": no sign, no exponent) as nano-units, or null (also for more than 9 fractional digits). */
export function parseDecimal(text: string): bigint | null {
  if (text !== text.trim()) return null;
  const value = tryParseDecimal(text, { signed: false, exponent: false });
  return value === null ? null : toScaled(value, FRACTION_DIGITS);
}

/** Like parseDecimal for values this module wrote itself; a bad one is a bug, not user input. */
export function decimal(text: string): bigint {
  const value = parseDecimal(text);
  if (value === null) throw new Error(`Not a stored decimal: ${text}`);
  return value;
}

/**
 * The quantity a JSON number denotes, read as the decimal it was written as (0.1 is exactly
 * one tenth). Null when negative, not finite, above the event maximum, or finer than 9
 * fractional digits.
 */
export function quantityFromNumber(n: number): bigint | null {
  if (!Number.isFinite(n) || n < 0 || n > MAX_EVENT_QUANTITY) return null;
  const value = decimalFromNumber(n);
  return isNegative(value) ? null : toScaled(value, FRACTION_DIGITS);
}

/** Nano-units as the shortest canonical decimal: 1_000_000_000n → "1", 100_000_000n → "0.1". */
export const formatDecimal = (value: bigint): string => toDecimalString({ units: value, scale: FRACTION_DIGITS });

/** For JSON bodies that show quantities as numbers (quota utilisation); exact below 2^53. */
export const toNumber = (value: bigint): number => Number(formatDecimal(value));

export const maxOf = (a: bigint, b: bigint): bigint => (a > b ? a : b);
