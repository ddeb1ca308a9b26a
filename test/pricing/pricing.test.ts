import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatMoney } from "../../src/lib/currency";
import { add, parseDecimal, toDecimalString, ZERO } from "../../src/lib/decimal";
import { mulDivRounded, ROUNDING_MODES, type RoundingMode } from "../../src/money/rounding";
import { PriceModel } from "../../src/plans/schemas";
import { priceMeter } from "../../src/pricing/price";
import { overlapSeconds, periodSeconds, splitPeriod, type Span } from "../../src/pricing/proration";

/** The oracle: one slice's exact share of `amount`, rounded once by `mode`. */
const prorate = (amount: number, period: Span, slice: Span, mode: RoundingMode) =>
  mulDivRounded(amount, overlapSeconds(period, slice), periodSeconds(period), mode);

const graduated = PriceModel.parse({
  model: "graduated",
  tiers: [
    { upTo: 1_000_000, unitPrice: "0.01" },
    { upTo: 10_000_000, unitPrice: "0.008" },
    { upTo: null, unitPrice: "0.005" },
  ],
});
const volume = PriceModel.parse({
  model: "volume",
  tiers: [
    { upTo: 10, unitPrice: "500", flatFee: 100 },
    { upTo: 100, unitPrice: "400" },
    { upTo: null, unitPrice: "300" },
  ],
});
const pkg = PriceModel.parse({ model: "package", packageSize: 1_073_741_824, packagePrice: 25 });
const perUnit = PriceModel.parse({ model: "per_unit", unitPrice: "0.0002" });

/** The examples below were written under half-even and say so; properties hold in either mode. */
const EVEN: RoundingMode = "half_even";
const arbMode = fc.constantFrom(...ROUNDING_MODES);

const quantity = fc.bigInt({ min: 0n, max: 10n ** 12n }).map(String);
const decimalQuantity = fc
  .tuple(fc.bigInt({ min: 0n, max: 10n ** 9n }), fc.bigInt({ min: 0n, max: 999n }))
  .map(([w, f]) => `${w}.${f.toString().padStart(3, "0")}`);

const arbPrice: fc.Arbitrary<PriceModel> = fc.oneof(
  fc.constant(graduated),
  fc.constant(volume),
  fc.constant(pkg),
  fc.constant(perUnit),
  fc
    .array(fc.tuple(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 0, max: 100_000 }), fc.nat({ max: 500 })), { minLength: 1, maxLength: 5 })
    .map((raw) => {
      let upTo = 0;
      const tiers = raw.map(([step, price, fee], i) => {
        upTo += step;
        return { upTo: i === raw.length - 1 ? null : upTo, unitPrice: (price / 1000).toString(), flatFee: fee };
      });
      return PriceModel.parse({ model: "graduated", tiers });
    }),
);

describe("priceMeter", () => {
  it("prices graduated tiers across a boundary, after the included quantity", () => {
    const charge = priceMeter(graduated, "1500000", 100_000, EVEN);
    expect(charge.billableQuantity).toBe("1400000");
    expect(charge.tiers).toEqual([
      { from: "0", to: "1000000", quantity: "1000000", unitPrice: "0.01", flatFee: 0, amount: "10000" },
      { from: "1000000", to: "10000000", quantity: "400000", unitPrice: "0.008", flatFee: 0, amount: "3200" },
    ]);
    expect(charge.amount).toBe(13200);
  });

  it("prices every unit at the volume tier the quantity falls into, with its flat fee", () => {
    expect(priceMeter(volume, "10", 0, EVEN)).toMatchObject({ amount: 5100, tiers: [{ from: "0", to: "10", quantity: "10" }] });
    expect(priceMeter(volume, "11", 0, EVEN)).toMatchObject({ amount: 4400, tiers: [{ from: "10", to: "100", unitPrice: "400" }] });
    expect(priceMeter(volume, "250", 0, EVEN).amount).toBe(75000);
    expect(priceMeter(volume, "0", 0, EVEN)).toEqual({ amount: 0, quantity: "0", billableQuantity: "0", tiers: [] });
  });

  it("rounds packages up", () => {
    const gib = 1_073_741_824;
    expect(priceMeter(pkg, String(10 * gib), 10 * gib, EVEN).amount).toBe(0);
    expect(priceMeter(pkg, String(10 * gib + 1), 10 * gib, EVEN)).toMatchObject({ amount: 25, tiers: [{ quantity: "1", unitPrice: "25" }] });
    expect(priceMeter(pkg, String(12 * gib), 10 * gib, EVEN).amount).toBe(50);
  });

  it("keeps sub-cent prices exact until the single rounding (half-even here)", () => {
    expect(priceMeter(perUnit, "12500", 0, EVEN).amount).toBe(2); // 2.5 → 2 (even)
    expect(priceMeter(perUnit, "17500", 0, EVEN).amount).toBe(4); // 3.5 → 4 (even)
    expect(priceMeter(perUnit, "0.1", 0, EVEN).tiers[0]!.amount).toBe("0.00002");
  });

  it("rounds a tie up under half-up and to even under half-even, once per line", () => {
    // 12 500 calls at 0.0002 ¢ = 2.5 ¢; 17 500 calls = 3.5 ¢
    expect(priceMeter(perUnit, "12500", 0, "half_up").amount).toBe(3);
    expect(priceMeter(perUnit, "12500", 0, "half_even").amount).toBe(2);
    expect(priceMeter(perUnit, "17500", 0, "half_up").amount).toBe(4);
    expect(priceMeter(perUnit, "17500", 0, "half_even").amount).toBe(4);
    // not a tie: both modes agree
    expect(priceMeter(perUnit, "12501", 0, "half_up").amount).toBe(3);
    expect(priceMeter(perUnit, "12499", 0, "half_up").amount).toBe(2);
  });

  it("the two modes differ by at most one unit, and only on a tie", () => {
    fc.assert(
      fc.property(arbPrice, fc.oneof(quantity, decimalQuantity), (price, q) => {
        const up = priceMeter(price, q, 0, "half_up");
        const even = priceMeter(price, q, 0, "half_even");
        const exact = toDecimalString(up.tiers.reduce((total, t) => add(total, parseDecimal(t.amount)), ZERO));
        return up.amount === even.amount || (up.amount === even.amount + 1 && exact.endsWith(".5") && even.amount % 2 === 0);
      }),
    );
  });

  it("refuses negative and malformed quantities", () => {
    expect(() => priceMeter(perUnit, "-1", 0, EVEN)).toThrow(RangeError);
    expect(() => priceMeter(perUnit, "1e", 0, EVEN)).toThrow(RangeError);
  });

  it("never yields a negative or fractional amount, and the tiers add up to it", () => {
    fc.assert(
      fc.property(arbPrice, fc.oneof(quantity, decimalQuantity), fc.nat({ max: 1_000_000 }), arbMode, (price, q, included, mode) => {
        const charge = priceMeter(price, q, included, mode);
        const exact = charge.tiers.reduce((sum, t) => sum + Number(t.amount), 0);
        return Number.isSafeInteger(charge.amount) && charge.amount >= 0 && Math.abs(charge.amount - exact) <= 0.5 + exact * 1e-12;
      }),
    );
  });

  it("is monotone in quantity for per-unit, package and graduated prices", () => {
    const monotone = arbPrice.filter((p) => p.model !== "volume");
    fc.assert(
      fc.property(monotone, quantity, quantity, arbMode, (price, a, b, mode) => {
        const [lo, hi] = BigInt(a) <= BigInt(b) ? [a, b] : [b, a];
        return priceMeter(price, lo, 0, mode).amount <= priceMeter(price, hi, 0, mode).amount;
      }),
    );
  });

  it("is monotone within a volume tier (a higher tier may be cheaper by design)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 11, max: 100 }), fc.integer({ min: 11, max: 100 }), arbMode, (a, b, mode) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        return priceMeter(volume, String(lo), 0, mode).amount <= priceMeter(volume, String(hi), 0, mode).amount;
      }),
    );
  });

  it("never produces fractions of a yen", () => {
    const yenPerCall = PriceModel.parse({ model: "per_unit", unitPrice: "0.3" });
    fc.assert(
      fc.property(fc.oneof(quantity, decimalQuantity), arbMode, (q, mode) => {
        const { amount } = priceMeter(yenPerCall, q, 0, mode);
        return Number.isInteger(amount) && !formatMoney(amount, "JPY").includes(".");
      }),
    );
    expect(priceMeter(yenPerCall, "5", 0, EVEN).amount).toBe(2); // 1.5 → 2
    expect(formatMoney(priceMeter(yenPerCall, "4000", 0, EVEN).amount, "JPY")).toBe("¥1,200");
  });
});

const DAY = 86_400_000;
const april = { start: Date.UTC(2026, 3, 1), end: Date.UTC(2026, 4, 1) };
const arbPeriod = fc
  .tuple(fc.integer({ min: 0, max: 2_000_000_000 }), fc.integer({ min: 1, max: 400 * 86_400 }))
  .map(([s, len]) => ({ start: s * 1000, end: (s + len) * 1000 }));
const amount = fc.integer({ min: 0, max: 1e10 });

describe("proration", () => {
  it("charges $99 − credits $29 for the last 21 days of a 30-day period (upgrade on day 10)", () => {
    const rest = { start: april.start + 9 * DAY, end: april.end };
    expect(prorate(2900, april, rest, EVEN)).toBe(2030);
    expect(prorate(9900, april, rest, EVEN)).toBe(6930);
  });

  it("rounds a tied proration by the mode: 1 day of a 2-day 301 ¢ period is 150.5 ¢", () => {
    const twoDays = { start: april.start, end: april.start + 2 * DAY };
    const firstDay = { start: april.start, end: april.start + DAY };
    expect(prorate(301, twoDays, firstDay, "half_up")).toBe(151);
    expect(prorate(301, twoDays, firstDay, "half_even")).toBe(150);
    expect(prorate(303, twoDays, firstDay, "half_even")).toBe(152);
  });

  it("counts whole seconds over [start, end), clipping the slice to the period", () => {
    expect(prorate(3000, april, { start: april.start - DAY, end: april.start + DAY }, EVEN)).toBe(100);
    expect(prorate(3000, april, { start: april.end, end: april.end + DAY }, EVEN)).toBe(0);
    expect(prorate(3000, april, { start: april.start + 999, end: april.start + DAY + 999 }, EVEN)).toBe(100);
  });

  it("a full period yields the full amount", () => {
    fc.assert(fc.property(amount, arbPeriod, arbMode, (a, p, mode) => prorate(a, p, p, mode) === a));
  });

  it("consecutive slices sum to the whole, and none is negative", () => {
    fc.assert(
      fc.property(amount, arbPeriod, fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 10 }), (a, p, fractions) => {
        const cuts = fractions.map((f) => p.start + Math.floor(f * (p.end - p.start)));
        const slices = splitPeriod(a, p, cuts);
        return slices.reduce((s, x) => s + x.amount, 0) === a && slices.every((x) => x.amount >= 0) && slices[0]!.start === p.start;
      }),
    );
  });

  it("each slice is within a unit of its independently prorated share", () => {
    fc.assert(
      fc.property(amount, arbPeriod, fc.double({ min: 0, max: 1, noNaN: true }), arbMode, (a, p, f, mode) => {
        const cut = p.start + Math.floor(f * (p.end - p.start));
        return splitPeriod(a, p, [cut]).every((s) => Math.abs(s.amount - prorate(a, p, s, mode)) <= 1);
      }),
    );
  });
});
