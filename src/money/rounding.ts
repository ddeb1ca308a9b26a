import { divide, roundScaled, toDec, type Dec, type RoundingMode } from "../lib/decimal";

/**
 * Rounding money: everything that turns an exact value into minor units goes through here,
 * once per line item, in the tenant's rounding mode (`tenants.rounding_mode`, see the
 * README's "Rounding" section). Half-up is the default: it is what invoicing practice and
 * Kill Bill do and what a customer re-computing a line by hand gets. Half-even is there for
 * tenants whose finance team wants tie errors to cancel out over many lines.
 */
export type { RoundingMode } from "../lib/decimal";
export { ROUNDING_MODES } from "../lib/decimal";

export const DEFAULT_ROUNDING_MODE: RoundingMode = "half_up";

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);

/** Converts to a JS number, refusing anything a float could not hold exactly. */
export function toSafeInteger(value: bigint): number {
  if (value > MAX_SAFE || value < MIN_SAFE) {
    throw new RangeError(`Amount out of range: ${value}`);
  }
  return Number(value);
}

/** n / d rounded half-even, exactly: for quantities, where no tenant setting applies. */
export const divideHalfEven = (n: bigint, d: bigint): bigint => divide(n, d, "half_even");

/**
 * Rounds an exact decimal amount expressed in minor units (e.g. "1234.5" cents, or a `Dec`)
 * to whole minor units.
 */
export function roundDecimalToMinor(value: string | Dec, mode: RoundingMode): number {
  return toSafeInteger(roundScaled(toDec(value), 0, mode));
}

/** round(a × b / c) on integers, exactly: prorations, percentages, tax. */
export function mulDivRounded(a: number | bigint, b: number | bigint, c: number | bigint, mode: RoundingMode): number {
  return toSafeInteger(divide(BigInt(a) * BigInt(b), BigInt(c), mode));
}
