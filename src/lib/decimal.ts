/**
 * The one decimal core: exact decimals as `units / 10^scale` with a BigInt `units`. Prices,
 * usage quantities and provider amounts are parsed, added, multiplied and rounded here and
 * never pass through a float. Values are kept normalized (no trailing fractional zeros), so
 * equal values have one representation and `toEqual` compares them.
 *
 * Hot paths that add many values of one precision (usage counters) work on scaled integers
 * instead: `toScaled` converts a decimal to one exactly, and `toDecimalString` prints one
 * (`{ units, scale: places }`) back.
 */
export interface Dec {
  readonly units: bigint;
  readonly scale: number;
}

export const ZERO: Dec = { units: 0n, scale: 0 };

/**
 * How a value that falls between two integers is rounded:
 * - `half_up`: to the nearest, ties away from zero (2.5 → 3, −2.5 → −3): commercial rounding,
 *   what a calculator or a spreadsheet's ROUND does.
 * - `half_even`: to the nearest, ties to the even neighbour (2.5 → 2, 3.5 → 4): banker's
 *   rounding; over many values the tie errors cancel instead of drifting up.
 */
export type RoundingMode = "half_up" | "half_even";
export const ROUNDING_MODES = ["half_up", "half_even"] as const satisfies readonly RoundingMode[];

const DECIMAL_TEXT = /^([+-])?(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

/**
 * Bounds on what a text may spell (digits written, exponent, resulting decimal places), so
 * "1e999999999" cannot make a BigInt of a billion digits. A double's own text (`String(n)`)
 * has at most 24 digits ("0.000001" + 17) and an exponent of ±324, so numbers get bounds of
 * their own: every finite double converts.
 */
interface Bounds {
  digits: number;
  exponent: number;
  scale: number;
}
const TEXT_BOUNDS: Bounds = { digits: 60, exponent: 60, scale: 60 };
const NUMBER_BOUNDS: Bounds = { digits: 30, exponent: 330, scale: 350 };

export interface ParseOptions {
  /** Accept a leading sign (default true). */
  signed?: boolean;
  /** Accept an exponent, as `String(number)` writes tiny values: "1.5e-7" (default true). */
  exponent?: boolean;
}

/** The decimal `text` spells, or null: "12", "-0.002", "1.5e-7", within the bounds above. */
export function tryParseDecimal(text: string, options: ParseOptions = {}): Dec | null {
  return parseWithin(text, options, TEXT_BOUNDS);
}

function parseWithin(text: string, options: ParseOptions, bounds: Bounds): Dec | null {
  const match = DECIMAL_TEXT.exec(text.trim());
  if (!match) return null;
  const [, sign, whole, written = "", exponentText] = match;
  if ((sign !== undefined && options.signed === false) || (exponentText !== undefined && options.exponent === false)) return null;
  if (whole!.length + written.length > bounds.digits) return null;
  const exponent = Number(exponentText ?? 0);
  if (Math.abs(exponent) > bounds.exponent) return null;
  // Trailing fractional zeros go before any BigInt is made: without an exponent that is all
  // the normalizing there is (the meter's hot path parses stored quantities this way).
  const fraction = written.replace(/0+$/, "");
  let units = BigInt(whole! + fraction);
  let scale = fraction.length - exponent;
  if (scale < 0) {
    units *= pow10(-scale);
    scale = 0;
  }
  const signed = { units: sign === "-" ? -units : units, scale };
  const value = exponent === 0 ? (units === 0n ? ZERO : signed) : normalize(signed);
  return value.scale > bounds.scale ? null : value;
}

/** Like `tryParseDecimal`, throwing a RangeError for text that is not a decimal. */
export function parseDecimal(text: string, options?: ParseOptions): Dec {
  const value = tryParseDecimal(text, options);
  if (value === null) throw new RangeError(`Not a decimal number: ${JSON.stringify(text.slice(0, 40))}`);
  return value;
}

export const isDecimal = (text: string, options?: ParseOptions): boolean => tryParseDecimal(text, options) !== null;

/**
 * A JSON number as the decimal it was written as. `String(n)` is the shortest text that reads
 * back as the same double, which is the writer's own text for anything with up to 15
 * significant digits (0.06 → "0.06", not 0.059999999999999997779…).
 */
export function decimalFromNumber(value: number): Dec {
  if (!Number.isFinite(value)) throw new RangeError(`Not a finite number: ${value}`);
  return parseWithin(String(value), {}, NUMBER_BOUNDS)!;
}

export const decimalFromBigInt = (value: bigint): Dec => ({ units: value, scale: 0 });

export function toDec(value: string | number | bigint | Dec): Dec {
  if (typeof value === "string") return parseDecimal(value);
  if (typeof value === "number") return decimalFromNumber(value);
  if (typeof value === "bigint") return decimalFromBigInt(value);
  return value;
}

const POWERS = Array.from({ length: 64 }, (_, i) => 10n ** BigInt(i));
const pow10 = (n: number): bigint => POWERS[n] ?? 10n ** BigInt(n);

function normalize(d: Dec): Dec {
  let { units, scale } = d;
  if (units === 0n) return ZERO;
  while (scale > 0 && units % 10n === 0n) {
    units /= 10n;
    scale -= 1;
  }
  return { units, scale };
}

/** Both values as integers on a common scale. */
export function align(a: Dec, b: Dec): [bigint, bigint, number] {
  const scale = Math.max(a.scale, b.scale);
  return [a.units * pow10(scale - a.scale), b.units * pow10(scale - b.scale), scale];
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
export const isNegative = (a: Dec): boolean => a.units < 0n;

/** ⌈a / b⌉ for a ≥ 0, b > 0: whole packages needed to hold `a`. */
export function ceilDiv(a: Dec, b: Dec): bigint {
  const [x, y] = align(a, b);
  if (y <= 0n || x < 0n) throw new RangeError("ceilDiv needs a ≥ 0 and b > 0");
  return (x + y - 1n) / y;
}

/** n / d rounded to an integer by `mode`, exactly (d ≠ 0, either sign). */
export function divide(n: bigint, d: bigint, mode: RoundingMode): bigint {
  if (d === 0n) throw new RangeError("Division by zero");
  if (d < 0n) return divide(-n, -d, mode);
  const q = n / d; // truncates toward zero
  const r = n % d;
  if (r === 0n) return q;
  const twice = 2n * (r < 0n ? -r : r);
  const awayFromZero = n < 0n ? q - 1n : q + 1n;
  if (twice > d) return awayFromZero;
  if (twice < d) return q;
  return mode === "half_up" || q % 2n !== 0n ? awayFromZero : q;
}

/** `d × 10^places` rounded to an integer by `mode`: to minor units with `places` = the currency's exponent. */
export function roundScaled(d: Dec, places: number, mode: RoundingMode): bigint {
  const scale = d.scale - places;
  if (scale <= 0) return d.units * pow10(-scale);
  return divide(d.units, pow10(scale), mode);
}

/** `d × 10^places` when that is an integer (a fixed-point value with `places` decimals), else null. */
export function toScaled(d: Dec, places: number): bigint | null {
  return d.scale <= places ? d.units * pow10(places - d.scale) : null;
}

/** Canonical text: no exponent, no trailing zeros ("1.50" → "1.5", "-0" → "0"), for any `Dec`, normalized or not. */
export function toDecimalString(d: Dec): string {
  const { units, scale } = d;
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, "0");
  const whole = digits.slice(0, digits.length - scale);
  const fraction = digits.slice(digits.length - scale).replace(/0+$/, "");
  return `${negative ? "-" : ""}${whole}${fraction ? `.${fraction}` : ""}`;
}
