import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatMoney } from "../../src/money/currency";
import { PriceModel } from "../../src/plans/schemas";
import { priceMeter } from "../../src/pricing/price";
import { prorate, prorateExcluding, splitPeriod } from "../../src/pricing/proration";

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
    const charge = priceMeter(graduated, "1500000", 100_000);
    expect(charge.billableQuantity).toBe("1400000");
    expect(charge.tiers).toEqual([
      { from: "0", to: "1000000", quantity: "1000000", unitPrice: "0.01", flatFee: 0, amount: "10000" },
      { from: "1000000", to: "10000000", quantity: "400000", unitPrice: "0.008", flatFee: 0, amount: "3200" },
    ]);
    expect(charge.amount).toBe(13200);
  });

  it("prices every unit at the volume tier the quantity falls into, with its flat fee", () => {
    expect(priceMeter(volume, "10", 0)).toMatchObject({ amount: 5100, tiers: [{ from: "0", to: "10", quantity: "10" }] });
    expect(priceMeter(volume, "11", 0)).toMatchObject({ amount: 4400, tiers: [{ from: "10", to: "100", unitPrice: "400" }] });
    expect(priceMeter(volume, "250", 0).amount).toBe(75000);
    expect(priceMeter(volume, "0", 0)).toEqual({ amount: 0, quantity: "0", billableQuantity: "0", tiers: [] });
  });

  it("rounds packages up", () => {
    const gib = 1_073_741_824;
    expect(priceMeter(pkg, String(10 * gib), 10 * gib).amount).toBe(0);
    expect(priceMeter(pkg, String(10 * gib + 1), 10 * gib)).toMatchObject({ amount: 25, tiers: [{ quantity: "1", unitPrice: "25" }] });
    expect(priceMeter(pkg, String(12 * gib), 10 * gib).amount).toBe(50);
  });

  it("keeps sub-cent prices exact until the single half-even rounding", () => {
    expect(priceMeter(perUnit, "12500", 0).amount).toBe(2); // 2.5 → 2 (even)
    expect(priceMeter(perUnit, "17500", 0).amount).toBe(4); // 3.5 → 4 (even)
    expect(priceMeter(perUnit, "0.1", 0).tiers[0]!.amount).toBe("0.00002");
  });

  it("refuses negative and malformed quantities", () => {
    expect(() => priceMeter(perUnit, "-1", 0)).toThrow(RangeError);
    expect(() => priceMeter(perUnit, "1e", 0)).toThrow(RangeError);
  });

  it("never yields a negative or fractional amount, and the tiers add up to it", () => {
    fc.assert(
      fc.property(arbPrice, fc.oneof(quantity, decimalQuantity), fc.nat({ max: 1_000_000 }), (price, q, included) => {
        const charge = priceMeter(price, q, included);
        const exact = charge.tiers.reduce((sum, t) => sum + Number(t.amount), 0);
        return Number.isSafeInteger(charge.amount) && charge.amount >= 0 && Math.abs(charge.amount - exact) <= 0.5 + exact * 1e-12;
      }),
    );
  });

  it("is monotone in quantity for per-unit, package and graduated prices", () => {
    const monotone = arbPrice.filter((p) => p.model !== "volume");
    fc.assert(
      fc.property(monotone, quantity, quantity, (price, a, b) => {
        const [lo, hi] = BigInt(a) <= BigInt(b) ? [a, b] : [b, a];
        return priceMeter(price, lo, 0).amount <= priceMeter(price, hi, 0).amount;
      }),
    );
  });

  it("is monotone within a volume tier (a higher tier may be cheaper by design)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 11, max: 100 }), fc.integer({ min: 11, max: 100 }), (a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        return priceMeter(volume, String(lo), 0).amount <= priceMeter(volume, String(hi), 0).amount;
      }),
    );
  });

  it("never produces fractions of a yen", () => {
    const yenPerCall = PriceModel.parse({ model: "per_unit", unitPrice: "0.3" });
    fc.assert(
      fc.property(fc.oneof(quantity, decimalQuantity), (q) => {
        const { amount } = priceMeter(yenPerCall, q, 0);
        return Number.isInteger(amount) && !formatMoney(amount, "JPY").includes(".");
      }),
    );
    expect(priceMeter(yenPerCall, "5", 0).amount).toBe(2); // 1.5 → 2
    expect(formatMoney(priceMeter(yenPerCall, "4000", 0).amount, "JPY")).toBe("¥1,200");
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
    expect(prorate(2900, april, rest)).toBe(2030);
    expect(prorate(9900, april, rest)).toBe(6930);
  });

  it("counts whole seconds over [start, end), clipping the slice to the period", () => {
    expect(prorate(3000, april, { start: april.start - DAY, end: april.start + DAY })).toBe(100);
    expect(prorate(3000, april, { start: april.end, end: april.end + DAY })).toBe(0);
    expect(prorate(3000, april, { start: april.start + 999, end: april.start + DAY + 999 })).toBe(100);
  });

  it("a full period yields the full amount", () => {
    fc.assert(fc.property(amount, arbPeriod, (a, p) => prorate(a, p, p) === a));
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
      fc.property(amount, arbPeriod, fc.double({ min: 0, max: 1, noNaN: true }), (a, p, f) => {
        const cut = p.start + Math.floor(f * (p.end - p.start));
        return splitPeriod(a, p, [cut]).every((s) => Math.abs(s.amount - prorate(a, p, s)) <= 1);
      }),
    );
  });

  it("takes gaps out exactly: charged + excluded = amount", () => {
    const pause = { start: april.start + 10 * DAY, end: april.start + 15 * DAY };
    expect(prorateExcluding(2900, april, [pause])).toEqual({ charged: 2417, excluded: 483 });
    fc.assert(
      fc.property(amount, arbPeriod, fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (a, p, x, y) => {
        const [lo, hi] = [Math.min(x, y), Math.max(x, y)];
        const len = p.end - p.start;
        const r = prorateExcluding(a, p, [{ start: p.start + Math.floor(lo * len), end: p.start + Math.floor(hi * len) }]);
        return r.charged + r.excluded === a && r.charged >= 0 && r.excluded >= 0;
      }),
    );
  });
});
