import { toDec, type Dec } from "./decimal";

/**
 * The one rounding mode for money: round half to even ("banker's rounding").
 * Ties go to the even neighbour, so over many line items the rounding errors cancel
 * instead of drifting upwards as half-up would. Everything that turns an exact value
 * into minor units goes through here, once per line item.
 */

/** n / d rounded half-even, exactly (d ≠ 0, either sign). */
export function divideHalfEven(n: bigint, d: bigint): bigint {
  if (d === 0n) throw new RangeError("Division by zero");
  if (d < 0n) return divideHalfEven(-n, -d);
  const q = n / d; // truncates toward zero
  const r = n % d;
  if (r === 0n) return q;
  const twice = 2n * (r < 0n ? -r : r);
  const awayFromZero = n < 0n ? q - 1n : q + 1n;
  if (twice > d) return awayFromZero;
  if (twice < d) return q;
  return q % 2n === 0n ? q : awayFromZero;
}

/** Converts to a JS number, refusing anything a float could not hold exactly. */
export function toSafeInteger(value: bigint): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new RangeError(`Amount out of range: ${value}`);
  }
  return Number(value);
}

/**
 * Rounds an exact decimal amount expressed in minor units (e.g. "1234.5" cents, or a
 * `Dec` from decimal.ts) to whole minor units, half-even.
 */
export function roundDecimalToMinor(value: string | Dec): number {
  const d = toDec(value);
  return toSafeInteger(divideHalfEven(d.units, 10n ** BigInt(d.scale)));
}

/** round-half-even(a × b / c) on integers, exactly: prorations, percentages, tax. */
export function mulDivHalfEven(a: number | bigint, b: number | bigint, c: number | bigint): number {
  return toSafeInteger(divideHalfEven(BigInt(a) * BigInt(b), BigInt(c)));
}
