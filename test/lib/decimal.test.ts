import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as D from "../../src/lib/decimal";

const arbFixed = fc.tuple(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.integer({ min: 0, max: 20 }));
/** A fixed-point value through its canonical text: the normalized decimal it stands for. */
const arbDec = arbFixed.map(([units, scale]) => D.parseDecimal(D.toDecimalString({ units, scale })));
const arbMode = fc.constantFrom(...D.ROUNDING_MODES);
const abs = (n: bigint) => (n < 0n ? -n : n);

describe("the decimal core (properties)", () => {
  it("prints fixed-point values exactly: text → decimal → the same fixed-point integer", () => {
    fc.assert(
      fc.property(arbFixed, ([units, scale]) => {
        const text = D.toDecimalString({ units, scale });
        expect(D.toScaled(D.parseDecimal(text), scale)).toBe(units);
        expect(text).not.toMatch(/\.\d*0$|^-0$|e/);
      }),
    );
    expect(D.toDecimalString({ units: 1_500_000_000n, scale: 9 })).toBe("1.5");
    expect(D.toDecimalString({ units: -5n, scale: 3 })).toBe("-0.005");
    expect(D.toDecimalString({ units: 0n, scale: 4 })).toBe("0");
  });

  it("prints canonically and reads back the same value", () => {
    fc.assert(
      fc.property(arbDec, (d) => {
        const text = D.toDecimalString(d);
        expect(D.parseDecimal(text)).toEqual(d);
        expect(text).not.toMatch(/\.\d*0$|^-0$|e/);
      }),
    );
  });

  it("adds and subtracts exactly: (a + b) − b = a, a + b = b + a, (a + b) + c = a + (b + c)", () => {
    fc.assert(
      fc.property(arbDec, arbDec, arbDec, (a, b, c) => {
        expect(D.sub(D.add(a, b), b)).toEqual(a);
        expect(D.add(a, b)).toEqual(D.add(b, a));
        expect(D.add(D.add(a, b), c)).toEqual(D.add(a, D.add(b, c)));
      }),
    );
  });

  it("multiplies exactly and distributes over addition", () => {
    fc.assert(
      fc.property(arbDec, arbDec, arbDec, (a, b, c) => {
        expect(D.mul(a, D.add(b, c))).toEqual(D.add(D.mul(a, b), D.mul(a, c)));
      }),
    );
  });

  it("compares consistently with the sign of the difference", () => {
    fc.assert(
      fc.property(arbDec, arbDec, (a, b) => {
        const diff = D.sub(a, b);
        expect(D.compare(a, b)).toBe(diff.units === 0n ? 0 : D.isNegative(diff) ? -1 : 1);
        expect(D.compare(D.min(a, b), D.max(a, b))).toBeLessThanOrEqual(0);
      }),
    );
  });

  it("divides to the nearest integer in both modes, symmetric around zero", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), fc.bigInt({ min: 1n, max: 10n ** 12n }), arbMode, (n, d, mode) => {
        const q = D.divide(n, d, mode);
        expect(2n * abs(q * d - n) <= d).toBe(true);
        expect(D.divide(-n, d, mode)).toBe(-q);
        expect(D.divide(n, -d, mode)).toBe(-q);
      }),
    );
  });

  it("half-up and half-even differ only on an exact tie, where half-up is away from zero and half-even even", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), fc.bigInt({ min: 1n, max: 10n ** 6n }), (n, d) => {
        const up = D.divide(n, d, "half_up");
        const even = D.divide(n, d, "half_even");
        const tie = (2n * n) % d === 0n && n % d !== 0n;
        if (!tie) return up === even;
        return abs(up) * d > abs(n) && even % 2n === 0n;
      }),
    );
    expect(D.divide(5n, 2n, "half_up")).toBe(3n);
    expect(D.divide(5n, 2n, "half_even")).toBe(2n);
    expect(D.divide(-5n, 2n, "half_up")).toBe(-3n);
    expect(D.divide(7n, 2n, "half_even")).toBe(4n);
  });

  it("roundScaled is divide by a power of ten, and exact when no digits are dropped", () => {
    fc.assert(
      fc.property(arbDec, fc.integer({ min: 0, max: 4 }), arbMode, (d, places, mode) => {
        const rounded = D.roundScaled(d, places, mode);
        const exact = D.toScaled(d, places);
        if (exact !== null) return rounded === exact;
        return rounded === D.divide(d.units, 10n ** BigInt(d.scale - places), mode);
      }),
    );
  });

  it("fixed-point values convert both ways exactly", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 24n), max: 10n ** 24n }), fc.integer({ min: 0, max: 12 }), (units, places) => {
        expect(D.toScaled(D.parseDecimal(D.toDecimalString({ units, scale: places })), places)).toBe(units);
      }),
    );
    expect(D.toScaled(D.parseDecimal("0.0000000001"), 9)).toBeNull();
  });

  it("reads a double as the decimal it prints as, whatever its magnitude", () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        expect(Number(D.toDecimalString(D.decimalFromNumber(x)))).toBe(x === 0 ? 0 : x);
      }),
    );
    expect(D.toDecimalString(D.decimalFromNumber(0.1))).toBe("0.1");
    expect(D.toDecimalString(D.decimalFromNumber(1.5e-7))).toBe("0.00000015");
  });

  it("refuses text it cannot keep exactly or that is not a decimal", () => {
    for (const bad of ["", "1.", ".5", "1,5", "NaN", "Infinity", "0x10", "1e999", "1".repeat(61), "--1", "1e-61"]) {
      expect(D.tryParseDecimal(bad), bad).toBeNull();
      expect(() => D.parseDecimal(bad), bad).toThrow(RangeError);
    }
    expect(D.tryParseDecimal("-1", { signed: false })).toBeNull();
    expect(D.tryParseDecimal("1e3", { exponent: false })).toBeNull();
    expect(D.tryParseDecimal(" 12.50 ")).toEqual({ units: 125n, scale: 1 });
  });
});
