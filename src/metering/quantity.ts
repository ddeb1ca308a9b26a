/**
 * Usage quantities are exact decimals. In memory they are bigints counting
 * 10^-9 units ("nano-units"); on the wire and in storage they are canonical
 * decimal strings ("0.1", "12", "1073741824"). Floats never add up usage:
 * ten events of 0.1 sum to exactly "1".
 */
export const FRACTION_DIGITS = 9;
export const SCALE = 10n ** BigInt(FRACTION_DIGITS);

/** Largest quantity one event may carry; also the largest integer a double holds exactly. */
export const MAX_EVENT_QUANTITY = 1e15;

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/** A canonical decimal string as nano-units, or null if it is not one (or has more than 9 fractional digits). */
export function parseDecimal(text: string): bigint | null {
  const match = DECIMAL.exec(text);
  if (!match) return null;
  const fraction = match[2] ?? "";
  if (fraction.length > FRACTION_DIGITS) return null;
  return BigInt(match[1]!) * SCALE + BigInt(fraction.padEnd(FRACTION_DIGITS, "0"));
}

/** Like parseDecimal for values this module wrote itself; a bad one is a bug, not user input. */
export function decimal(text: string): bigint {
  const value = parseDecimal(text);
  if (value === null) throw new Error(`Not a stored decimal: ${text}`);
  return value;
}

/**
 * The decimal a JSON number denotes, using its shortest round-trip spelling
 * (what `String(n)` gives), so `0.1` is exactly one tenth, not the binary
 * double nearest to it. Null when negative, not finite, above the event
 * maximum, or finer than 9 fractional digits.
 */
export function quantityFromNumber(n: number): bigint | null {
  if (!Number.isFinite(n) || n < 0 || n > MAX_EVENT_QUANTITY) return null;
  return parseDecimal(expandExponent(String(n)));
}

/** "1.5e-7" → "0.00000015". Doubles up to 1e15 never print with a positive exponent. */
function expandExponent(text: string): string {
  const match = /^(\d+)(?:\.(\d+))?e-(\d+)$/.exec(text);
  if (!match) return text;
  const digits = match[1]! + (match[2] ?? "");
  const point = match[1]!.length - Number(match[3]);
  return `0.${"0".repeat(-point)}${digits}`;
}

/** Nano-units as the shortest canonical decimal: 1_000_000_000n → "1", 100_000_000n → "0.1". */
export function formatDecimal(value: bigint): string {
  const whole = value / SCALE;
  const fraction = value % SCALE;
  if (fraction === 0n) return whole.toString();
  return `${whole}.${fraction.toString().padStart(FRACTION_DIGITS, "0").replace(/0+$/, "")}`;
}

/** For JSON bodies that show quantities as numbers (quota utilisation); exact below 2^53. */
export const toNumber = (value: bigint): number => Number(formatDecimal(value));

export const units = (n: number | bigint): bigint => BigInt(n) * SCALE;

export const maxOf = (a: bigint, b: bigint): bigint => (a > b ? a : b);
