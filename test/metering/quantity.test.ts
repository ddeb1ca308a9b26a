import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatDecimal, parseDecimal, quantityFromNumber, SCALE } from "../../src/metering/quantity";
import { HOUR_MS } from "../../src/lib/time";
import { bucketStart, billingWindow, calendarWindow } from "../../src/metering/periods";

describe("exact quantities", () => {
  it("keeps decimals exact: ten times 0.1 is 1, 0.1 + 0.2 is 0.3", () => {
    const tenth = quantityFromNumber(0.1)!;
    expect(formatDecimal(Array.from({ length: 10 }, () => tenth).reduce((a, b) => a + b))).toBe("1");
    expect(formatDecimal(quantityFromNumber(0.1)! + quantityFromNumber(0.2)!)).toBe("0.3");
  });

  it("reads a number the way it is written, including exponent spellings", () => {
    expect(formatDecimal(quantityFromNumber(1e-7)!)).toBe("0.0000001");
    expect(formatDecimal(quantityFromNumber(1.5e-8)!)).toBe("0.000000015");
    expect(formatDecimal(quantityFromNumber(123456789.125)!)).toBe("123456789.125");
    expect(formatDecimal(quantityFromNumber(1e15)!)).toBe("1000000000000000");
    expect(formatDecimal(quantityFromNumber(0)!)).toBe("0");
  });

  it("refuses what it cannot keep exactly or is not a quantity", () => {
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY, 1e15 + 2, 1e-10, 0.1234567891]) {
      expect(quantityFromNumber(bad)).toBeNull();
    }
    for (const bad of ["", "1.", ".5", "-1", "1e3", "0.0000000001", "abc"]) expect(parseDecimal(bad)).toBeNull();
  });

  it("sums of decimals with up to 9 places are exact (property)", () => {
    const amount = fc.tuple(fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 0, max: 999_999_999 }));
    fc.assert(
      fc.property(fc.array(amount, { minLength: 1, maxLength: 50 }), (parts) => {
        const texts = parts.map(([w, f]) => formatDecimal(BigInt(w) * SCALE + BigInt(f)));
        const viaText = texts.map((t) => parseDecimal(t)!).reduce((a, b) => a + b);
        const direct = parts.reduce((a, [w, f]) => a + BigInt(w) * SCALE + BigInt(f), 0n);
        expect(viaText).toBe(direct);
      }),
    );
  });
});

describe("periods", () => {
  const t = Date.UTC(2026, 0, 31, 10, 23, 45);

  it("calendar windows are UTC and half-open", () => {
    expect(calendarWindow("hour", t)).toEqual({ start: Date.UTC(2026, 0, 31, 10), end: Date.UTC(2026, 0, 31, 11) });
    expect(calendarWindow("day", t)).toEqual({ start: Date.UTC(2026, 0, 31), end: Date.UTC(2026, 1, 1) });
    expect(calendarWindow("month", t)).toEqual({ start: Date.UTC(2026, 0, 1), end: Date.UTC(2026, 1, 1) });
    expect(calendarWindow("month", Date.UTC(2026, 1, 1))).toEqual({ start: Date.UTC(2026, 1, 1), end: Date.UTC(2026, 2, 1) });
  });

  it("splits an hour at a billing-period boundary inside it", () => {
    const boundary = Date.UTC(2026, 0, 31, 10, 20);
    expect(bucketStart(t, [boundary])).toBe(boundary);
    expect(bucketStart(boundary - 1, [boundary])).toBe(Date.UTC(2026, 0, 31, 10));
    expect(bucketStart(t + HOUR_MS, [boundary])).toBe(Date.UTC(2026, 0, 31, 11));
    expect(bucketStart(t, [])).toBe(Date.UTC(2026, 0, 31, 10));
  });

  it("a billing period rolls forward until the renewal is pushed, and is closed before its start", () => {
    const state = {
      subscriptionId: "s",
      projectId: null,
      planId: "p",
      status: "active" as const,
      periodStart: 1000 * HOUR_MS,
      periodEnd: 1010 * HOUR_MS,
      meters: [],
    };
    expect(billingWindow(state, 1005 * HOUR_MS)).toEqual({ start: 1000 * HOUR_MS, end: 1010 * HOUR_MS });
    expect(billingWindow(state, 1012 * HOUR_MS)).toEqual({ start: 1010 * HOUR_MS, end: 1020 * HOUR_MS });
    expect(billingWindow(state, 999 * HOUR_MS)).toBeNull();
    expect(billingWindow(null, t)).toEqual(calendarWindow("month", t));
  });
});
