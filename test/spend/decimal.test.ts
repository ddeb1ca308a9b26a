import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ProviderError } from "../../src/spend/sync/adapter";
import { add as addDecimal, decimalFromNumber, isDecimal, parseDecimal, roundScaled, ZERO, type Dec } from "../../src/lib/decimal";
import { aggregate, redact } from "../../src/spend/sync/service";

/** Provider amounts are converted to minor units half-even (spend is not a tenant's invoice). */
const toMinorUnits = (d: Dec, places: number) => roundScaled(d, places, "half_even");

const dollars = (cents: bigint, extraZeros = 0) => {
  const sign = cents < 0n ? "-" : "";
  const abs = cents < 0n ? -cents : cents;
  return `${sign}${abs / 100n}.${String(abs % 100n).padStart(2, "0")}${"0".repeat(extraZeros)}`;
};

describe("exact decimals", () => {
  it("reads dollars back to the same cents, whatever trailing zeros", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 14n), max: 10n ** 14n }), fc.nat(6), (cents, zeros) => {
        expect(toMinorUnits(parseDecimal(dollars(cents, zeros)), 2)).toBe(cents);
      }),
    );
  });

  it("rounds exact halves to even and everything else to nearest", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }), fc.integer({ min: 0, max: 999 }), (cents, thousandths) => {
        const value = parseDecimal(`${dollars(cents)}${String(thousandths).padStart(3, "0")}`); // cents + thousandths/1000 of a cent (sign of cents)
        const rounded = toMinorUnits(value, 2);
        const sign = cents < 0n ? -1n : 1n;
        const abs = cents < 0n ? -cents : cents;
        const expected = thousandths > 500 || (thousandths === 500 && abs % 2n === 1n) ? abs + 1n : abs;
        expect(rounded).toBe(sign * expected);
      }),
    );
  });

  it("adds without drift and rounds once", () => {
    fc.assert(
      fc.property(fc.array(fc.bigInt({ min: -(10n ** 9n), max: 10n ** 9n }), { maxLength: 50 }), (millicents) => {
        const sum = millicents.reduce(
          (acc, m) => addDecimal(acc, parseDecimal(`${m < 0n ? "-" : ""}${(m < 0n ? -m : m) / 1000n}.${String((m < 0n ? -m : m) % 1000n).padStart(3, "0")}`)),
          ZERO,
        );
        const exact = millicents.reduce((a, b) => a + b, 0n);
        expect(sum.units * 10n ** BigInt(3 - sum.scale)).toBe(exact);
      }),
    );
  });

  it("handles the notations JSON numbers take", () => {
    expect(decimalFromNumber(0.1 + 0.2)).not.toEqual(parseDecimal("0.3")); // the float sum is not 0.3…
    expect(toMinorUnits(addDecimal(decimalFromNumber(0.1), decimalFromNumber(0.2)), 2)).toBe(30n); // …the decimal one is
    expect(toMinorUnits(decimalFromNumber(2.675), 2)).toBe(268n);
    expect(toMinorUnits(decimalFromNumber(1e-7), 2)).toBe(0n);
    expect(parseDecimal("1.2e-7")).toEqual({ units: 12n, scale: 8 });
    expect(toMinorUnits(parseDecimal("1E3"), 2)).toBe(100000n);
    expect(toMinorUnits(parseDecimal("-0.005"), 2)).toBe(0n);
    expect(toMinorUnits(parseDecimal("123.45"), 0)).toBe(123n);
    expect(toMinorUnits(parseDecimal("1.0005"), 3)).toBe(1000n); // KWD: 3 digits
    for (const bad of ["", "1.", ".5", "1,5", "NaN", "Infinity", "0x10", "1e999", "1".repeat(80)]) {
      expect(isDecimal(bad), bad).toBe(false);
      expect(() => parseDecimal(bad), bad).toThrow(RangeError);
    }
    expect(() => decimalFromNumber(Number.NaN)).toThrow(RangeError);
  });
});

describe("aggregation", () => {
  const line = (amount: string, currency = "USD", unit: "major" | "minor" = "major") => ({
    day: "2026-03-01",
    account: "acct",
    service: "EC2",
    amount: parseDecimal(amount),
    unit,
    currency,
  });

  it("sums lines per account, day and service and converts once", () => {
    expect(aggregate("aws", [line("0.004"), line("0.004"), line("0.004")])).toEqual([
      { ref: "aws:acct:2026-03-01:EC2", day: "2026-03-01", account: "acct", service: "EC2", currency: "USD", amount: 1 }, // 1.2 cents, not 3 × 0
    ]);
    expect(aggregate("x", [line("1", "JPY")])[0]!.amount).toBe(1);
    expect(aggregate("x", [line("1", "KWD")])[0]!.amount).toBe(1000);
  });

  it("refuses to add two currencies", () => {
    expect(() => aggregate("gcp", [line("1", "USD"), line("1", "EUR")])).toThrow(ProviderError);
  });

  it("redacts a credential and each part of a composite one", () => {
    expect(redact("key AKIAEXAMPLE123 secret abc/def+ghi token abc/def+ghi:zzz", "AKIAEXAMPLE123:abc/def+ghi")).toBe(
      "key [redacted] secret [redacted] token [redacted]:zzz",
    );
    expect(redact("nothing here", "sk-123456")).toBe("nothing here");
  });
});
