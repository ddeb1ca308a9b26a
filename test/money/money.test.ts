import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { allocate } from "../../src/money/allocate";
import { formatMoney, minorUnitExponent, toMajorUnits } from "../../src/lib/currency";
import { parseDecimal, toDecimalString } from "../../src/lib/decimal";
import { DEFAULT_ROUNDING_MODE, divideHalfEven, mulDivRounded, roundDecimalToMinor } from "../../src/money/rounding";

const mulDivHalfEven = (a: number, b: number, c: number) => mulDivRounded(a, b, c, "half_even");

const weights = fc.array(fc.nat({ max: 1_000_000 }), { minLength: 1, maxLength: 30 });
const total = fc.integer({ min: -1e12, max: 1e12 });

describe("allocate (largest remainder)", () => {
  it("parts always sum exactly to the total", () => {
    fc.assert(fc.property(total, weights, (t, w) => allocate(t, w).reduce((a, b) => a + b, 0) === t));
  });

  it("each part is within one unit of its exact share and carries the total's sign", () => {
    fc.assert(
      fc.property(total, weights, (t, w) => {
        const parts = allocate(t, w);
        const sum = w.reduce((a, b) => a + b, 0);
        return parts.every((p, i) => {
          const exact = sum === 0 ? t / w.length : (t * w[i]!) / sum;
          return Math.abs(p - exact) < 1 + 1e-6 && (t >= 0 ? p >= 0 : p <= 0);
        });
      }),
    );
  });

  it("accepts bigint and fractional weights", () => {
    expect(allocate(100, [1n, 1n, 1n])).toEqual([34, 33, 33]);
    expect(allocate(100, [0.5, 0.25, 0.25])).toEqual([50, 25, 25]);
    expect(allocate(-5, [1, 1])).toEqual([-3, -2]);
    expect(allocate(7, [0, 0])).toEqual([4, 3]);
  });

  it("gives leftover units to the largest remainders, earlier part on ties", () => {
    expect(allocate(10, [1, 2, 3])).toEqual([2, 3, 5]); // 1.67, 3.33, 5 → floors 1,3,5; +1 to the .67
    expect(allocate(1, [1, 1, 1])).toEqual([1, 0, 0]);
  });

  it("refuses negative weights and non-integer totals", () => {
    expect(() => allocate(10, [1, -1])).toThrow(RangeError);
    expect(() => allocate(10.5, [1])).toThrow(RangeError);
    expect(() => allocate(10, [])).toThrow(RangeError);
  });
});

describe("half-even rounding", () => {
  it("rounds ties to the even neighbour, symmetric around zero", () => {
    const cases: [string, number][] = [
      ["0.5", 0],
      ["1.5", 2],
      ["2.5", 2],
      ["2.5000001", 3],
      ["-0.5", 0],
      ["-1.5", -2],
      ["-2.5", -2],
      ["1234.49999", 1234],
      ["0.002", 0],
      ["12", 12],
    ];
    for (const [text, expected] of cases) expect([text, roundDecimalToMinor(text, "half_even")]).toEqual([text, expected]);
  });

  it("is within half a unit of the exact quotient", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }), fc.bigInt({ min: 1n, max: 10n ** 9n }), (n, d) => {
        const q = divideHalfEven(n, d);
        const err = q * d - n;
        return 2n * (err < 0n ? -err : err) <= d;
      }),
    );
  });

  it("mulDivHalfEven is exact beyond float precision", () => {
    expect(mulDivHalfEven(9_007_199_254_740, 1_000, 1_000)).toBe(9_007_199_254_740);
    expect(mulDivHalfEven(2900, 21, 30)).toBe(2030);
    expect(mulDivHalfEven(1, 1, 2)).toBe(0);
    expect(mulDivHalfEven(3, 1, 2)).toBe(2);
  });

  it("refuses results a float could not hold", () => {
    expect(() => roundDecimalToMinor("90071992547409930", "half_even")).toThrow(RangeError);
  });
});

describe("half-up rounding (the default)", () => {
  it("is the default", () => expect(DEFAULT_ROUNDING_MODE).toBe("half_up"));

  it("rounds ties away from zero, symmetric around zero", () => {
    const cases: [string, number][] = [
      ["0.5", 1],
      ["1.5", 2],
      ["2.5", 3],
      ["2.4999999", 2],
      ["-0.5", -1],
      ["-1.5", -2],
      ["-2.5", -3],
      ["1234.49999", 1234],
      ["0.002", 0],
      ["12", 12],
    ];
    for (const [text, expected] of cases) expect([text, roundDecimalToMinor(text, "half_up")]).toEqual([text, expected]);
  });

  it("agrees with half-even except on ties, where it takes the neighbour away from zero", () => {
    // small even divisors make ties common, so both branches are exercised
    const divisor = fc.oneof(fc.constantFrom(2, 4, 10, 200), fc.integer({ min: 1, max: 1e6 }));
    fc.assert(
      fc.property(fc.integer({ min: -1e9, max: 1e9 }), fc.integer({ min: 1, max: 1e6 }), divisor, (a, b, c) => {
        const up = mulDivRounded(a, b, c, "half_up");
        const even = mulDivRounded(a, b, c, "half_even");
        const n = BigInt(a) * BigInt(b);
        const tie = (2n * n) % BigInt(c) === 0n && n % BigInt(c) !== 0n;
        if (!tie) return up === even;
        // a tie x.5: half-up takes the neighbour away from zero, half-even the even one
        const away = BigInt(Math.abs(up)) * BigInt(c) > (n < 0n ? -n : n);
        return away && even % 2 === 0 && Math.abs(up - even) <= 1;
      }),
    );
    expect([5, 7, -5, -7].map((a) => [mulDivRounded(a, 1, 2, "half_up"), mulDivRounded(a, 1, 2, "half_even")])).toEqual([
      [3, 2],
      [4, 4],
      [-3, -2],
      [-4, -4],
    ]);
  });

  it("rounds a tax tie up: 10 % (1000 bps) of 25 ¢ is 2.5 ¢ → 3 ¢ (half-even: 2 ¢)", () => {
    expect(mulDivRounded(25, 1000, 10_000, "half_up")).toBe(3);
    expect(mulDivRounded(25, 1000, 10_000, "half_even")).toBe(2);
  });
});

describe("decimals", () => {
  it("parse and print canonically, including exponent forms", () => {
    expect(toDecimalString(parseDecimal("1.500"))).toBe("1.5");
    expect(toDecimalString(parseDecimal("-0.0"))).toBe("0");
    expect(toDecimalString(parseDecimal("1e-7"))).toBe("0.0000001");
    expect(toDecimalString(parseDecimal("1.5e3"))).toBe("1500");
    expect(() => parseDecimal("1,5")).toThrow(RangeError);
    expect(() => parseDecimal("NaN")).toThrow(RangeError);
  });
});

describe("currencies", () => {
  it("knows the minor-unit exponents", () => {
    expect([
      minorUnitExponent("USD"),
      minorUnitExponent("eur"),
      minorUnitExponent("GBP"),
      minorUnitExponent("JPY"),
      minorUnitExponent("KRW"),
      minorUnitExponent("KWD"),
      minorUnitExponent("BHD"),
    ]).toEqual([2, 2, 2, 0, 0, 3, 3]);
  });

  it("refuses a code that is not ISO 4217 instead of guessing two decimals", () => {
    expect(() => minorUnitExponent("XYZ")).toThrow(RangeError);
  });

  it("converts minor units to exact major-unit strings", () => {
    expect(toMajorUnits(123456, "USD")).toBe("1234.56");
    expect(toMajorUnits(-5, "USD")).toBe("-0.05");
    expect(toMajorUnits(1200, "JPY")).toBe("1200");
    expect(toMajorUnits(1234, "KWD")).toBe("1.234");
  });

  it("formats for display with the currency's decimals", () => {
    expect(formatMoney(123456, "USD")).toBe("$1,234.56");
    expect(formatMoney(1200, "JPY")).toBe("¥1,200");
    expect(formatMoney(1234, "KWD")).toMatch(/^KWD\s1\.234$/);
    expect(formatMoney(-2030, "usd")).toBe("-$20.30");
    expect(formatMoney(9_007_199_254_740_991, "USD")).toBe("$90,071,992,547,409.91");
  });
});
