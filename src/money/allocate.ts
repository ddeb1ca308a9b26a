import { decimalFromBigInt, decimalFromNumber, toScaled, type Dec } from "../lib/decimal";

/**
 * Splits an integer `total` (minor units) into parts proportional to `weights` by the
 * largest-remainder method: every part gets the floor of its exact share, and the units
 * left over go one each to the parts with the largest fractional remainders (ties: the
 * earlier part). The parts always sum to exactly `total` and each is within one unit of
 * its exact share. A negative total is split as its absolute value, then negated.
 * All-zero weights split the total evenly.
 */
export function allocate(total: number, weights: readonly number[] | readonly bigint[]): number[] {
  if (!Number.isSafeInteger(total)) throw new RangeError(`total must be a safe integer, got ${total}`);
  if (weights.length === 0) {
    if (total !== 0) throw new RangeError("Cannot allocate a non-zero total over no parts");
    return [];
  }
  if (total < 0) return allocate(-total, weights).map((part) => (part === 0 ? 0 : -part));

  let scaled = toIntegerWeights(weights);
  let sum = scaled.reduce((a, b) => a + b, 0n);
  if (sum === 0n) {
    scaled = scaled.map(() => 1n);
    sum = BigInt(scaled.length);
  }

  const amount = BigInt(total);
  const floors = scaled.map((w) => (amount * w) / sum);
  const remainders = scaled.map((w, i) => ({ i, r: (amount * w) % sum }));
  let leftover = amount - floors.reduce((a, b) => a + b, 0n);
  remainders.sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  for (const { i } of remainders) {
    if (leftover === 0n) break;
    floors[i]! += 1n;
    leftover -= 1n;
  }
  return floors.map(Number);
}

/** Weights as non-negative integers on one common decimal scale (ratios unchanged). */
function toIntegerWeights(weights: readonly number[] | readonly bigint[]): bigint[] {
  const decimals: Dec[] = weights.map((w) => (typeof w === "bigint" ? decimalFromBigInt(w) : decimalFromNumber(w)));
  const scale = Math.max(...decimals.map((d) => d.scale));
  return decimals.map((d) => {
    if (d.units < 0n) throw new RangeError("Weights must not be negative");
    return toScaled(d, scale)!;
  });
}
