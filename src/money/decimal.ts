/**
 * Exact decimals for money in flight: `value = units / 10^scale` with a BigInt `units`.
 * Quantities and sub-minor-unit prices ("0.002" of a cent) are multiplied and summed here
 * without ever touching a float; only the final line amount is rounded (see rounding.ts).
 */
export interface Dec {
  readonly units: bigint;
  readonly scale: number;
}

export const ZERO: Dec = { units: 0n, scale: 0 };

const DECIMAL_TEXT = /^([+-])?(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/i;
const MAX_SCALE = 40;

/** Parses "12", "-0.002", "1.5e-7" (the forms `String(number)` produces). Throws RangeError otherwise. */
export function parseDecimal(text: string): Dec {
  const match = DECIMAL_TEXT.exec(text.trim());
  if (!match) throw new RangeError(`Not a decimal number: ${JSON.stringify(text)}`);
  const [, sign, whole, fraction = "", exponentText = "0"] = match;
  const exponent = Number(exponentText);
  let units = BigInt(whole! + fraction);
  let scale = fraction.length - exponent;
  if (scale < 0) {
    units *= 10n ** BigInt(-scale);
    scale = 0;
  }
  if (scale > MAX_SCALE) throw new RangeError(`Too many decimal places: ${text}`);
  return normalize({ units: sign === "-" ? -units : units, scale });
}

export function decimalFromNumber(value: number): Dec {
  if (!Number.isFinite(value)) throw new RangeError(`Not a finite number: ${value}`);
  return parseDecimal(String(value));
}

export const decimalFromBigInt = (value: bigint): Dec => ({ units: value, scale: 0 });

export function toDec(value: string | number | bigint | Dec): Dec {
  if (typeof value === "string") return parseDecimal(value);
  if (typeof value === "number") return decimalFromNumber(value);
  if (typeof value === "bigint") return decimalFromBigInt(value);
  return value;
}

/** Drops trailing fractional zeros so equal values have one representation. */
function normalize(d: Dec): Dec {
  let { units, scale } = d;
  while (scale > 0 && units % 10n === 0n) {
    units /= 10n;
    scale -= 1;
  }
  return { units, scale };
}

/** Both values as integers on a common scale. */
export function align(a: Dec, b: Dec): [bigint, bigint, number] {
  const scale = Math.max(a.scale, b.scale);
  return [a.units * 10n ** BigInt(scale - a.scale), b.units * 10n ** BigInt(scale - b.scale), scale];
}

export function add(a: Dec, b: Dec): Dec {
  const [x, y, scale] = align(a, b);
  return normalize({ units: x + y, scale });
}

export function sub(a: Dec, b: Dec): Dec {
  const [x, y, scale] = align(a, b);
  return normalize({ units: x - y, scale });
}

export function mul(a: Dec, b: Dec): Dec {
  return normalize({ units: a.units * b.units, scale: a.scale + b.scale });
}

export function compare(a: Dec, b: Dec): -1 | 0 | 1 {
  const [x, y] = align(a, b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export const min = (a: Dec, b: Dec): Dec => (compare(a, b) <= 0 ? a : b);
export const max = (a: Dec, b: Dec): Dec => (compare(a, b) >= 0 ? a : b);
export const isZero = (a: Dec): boolean => a.units === 0n;
export const isNegative = (a: Dec): boolean => a.units < 0n;

/** ⌈a / b⌉ for a ≥ 0, b > 0: whole packages needed to hold `a`. */
export function ceilDiv(a: Dec, b: Dec): bigint {
  const [x, y] = align(a, b);
  if (y <= 0n || x < 0n) throw new RangeError("ceilDiv needs a ≥ 0 and b > 0");
  return (x + y - 1n) / y;
}

/** Canonical text: no exponent, no trailing zeros ("1.50" → "1.5", "-0" → "0"). */
export function toDecimalString(d: Dec): string {
  const { units, scale } = normalize(d);
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, "0");
  const whole = digits.slice(0, digits.length - scale);
  const fraction = scale > 0 ? `.${digits.slice(digits.length - scale)}` : "";
  return `${negative ? "-" : ""}${whole}${fraction}`;
}
