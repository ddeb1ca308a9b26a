/**
 * Exact decimals for provider amounts: `units / 10^scale` with a BigInt numerator, so
 * "12.34" + "0.005" is 12.345 and never 12.344999…. Amounts are summed exactly and converted
 * to integer minor units once, rounding half to even.
 */
export interface Decimal {
  units: bigint;
  scale: number;
}

const DECIMAL = /^([+-])?(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;
const MAX_DIGITS = 60;

export const isDecimal = (text: string) => {
  const m = DECIMAL.exec(text.trim());
  return m !== null && m[2]!.length + (m[3]?.length ?? 0) <= MAX_DIGITS && Math.abs(Number(m[4] ?? 0)) <= MAX_DIGITS;
};

export function parseDecimal(text: string): Decimal {
  const m = DECIMAL.exec(text.trim());
  if (!m || m[2]!.length + (m[3]?.length ?? 0) > MAX_DIGITS) throw new RangeError(`not a decimal number: ${JSON.stringify(text.slice(0, 40))}`);
  const fraction = m[3] ?? "";
  const exponent = Number(m[4] ?? 0);
  if (Math.abs(exponent) > MAX_DIGITS) throw new RangeError(`decimal exponent out of range: ${text.slice(0, 40)}`);
  let units = BigInt(m[2]! + fraction) * (m[1] === "-" ? -1n : 1n);
  let scale = fraction.length - exponent;
  if (scale < 0) {
    units *= 10n ** BigInt(-scale);
    scale = 0;
  }
  return { units, scale };
}

/**
 * A JSON number as the decimal it was written as. `String(n)` is the shortest text that reads
 * back as the same double, which is the provider's own text for any amount with up to 15
 * significant digits (0.06 → "0.06", not 0.059999999999999997779…).
 */
export function decimalFromNumber(n: number): Decimal {
  if (!Number.isFinite(n)) throw new RangeError(`not a finite number: ${n}`);
  return parseDecimal(String(n));
}

function rescale(d: Decimal, scale: number): bigint {
  return d.units * 10n ** BigInt(scale - d.scale);
}

export function addDecimal(a: Decimal, b: Decimal): Decimal {
  const scale = Math.max(a.scale, b.scale);
  return { units: rescale(a, scale) + rescale(b, scale), scale };
}

export const ZERO: Decimal = { units: 0n, scale: 0 };

/** `d × 10^shift` rounded half to even: to minor units with `shift` = the currency's digits (0 when already minor). */
export function toMinorUnits(d: Decimal, shift: number): bigint {
  const scale = d.scale - shift;
  if (scale <= 0) return d.units * 10n ** BigInt(-scale);
  const divisor = 10n ** BigInt(scale);
  const negative = d.units < 0n;
  const abs = negative ? -d.units : d.units;
  let quotient = abs / divisor;
  const twice = (abs % divisor) * 2n;
  if (twice > divisor || (twice === divisor && quotient % 2n === 1n)) quotient += 1n;
  return negative ? -quotient : quotient;
}
