import type { PriceModel } from "../plans/schemas";
import * as D from "../lib/decimal";
import { roundDecimalToMinor, type RoundingMode } from "../money/rounding";

/** One tier's share of a meter charge. `amount` is exact (unrounded), flat fee included. */
export interface TierCharge {
  from: string;
  to: string | null;
  quantity: string;
  unitPrice: string;
  flatFee: number;
  amount: string;
}

export interface MeterCharge {
  /** Minor units, rounded once (in the given mode) from the exact sum of the tiers. */
  amount: number;
  quantity: string;
  /** The quantity after the included quantity is taken off (never negative). */
  billableQuantity: string;
  tiers: TierCharge[];
}

/**
 * Prices one meter's usage for a period. Rules:
 * - The included quantity comes off first; tiers and packages apply to what is left
 *   (`billableQuantity`), so tier bounds count billable units.
 * - `per_unit`: billable × unitPrice.
 * - `package`: whole packages, rounded up (⌈billable / packageSize⌉ × packagePrice); the
 *   tier entry's quantity is the number of packages and its unitPrice the package price.
 * - `graduated`: each tier prices the units that fall inside it; `upTo` is inclusive.
 * - `volume`: the tier the whole billable quantity falls into prices every unit.
 * - A tier's `flatFee` is charged once when the tier is entered (quantity > 0 in it).
 * Unit prices are decimal minor units, multiplied exactly; only the total is rounded, by `mode`.
 * Throws RangeError for a negative or malformed quantity.
 */
export function priceMeter(price: PriceModel, quantity: string, includedQuantity: number, mode: RoundingMode): MeterCharge {
  const used = D.parseDecimal(quantity);
  if (D.isNegative(used)) throw new RangeError(`Quantity must not be negative: ${quantity}`);
  if (!(includedQuantity >= 0)) throw new RangeError(`Included quantity must not be negative: ${includedQuantity}`);
  const billable = D.max(D.ZERO, D.sub(used, D.decimalFromNumber(includedQuantity)));

  const tiers = billable.units === 0n ? [] : tierCharges(price, billable);
  const exact = tiers.reduce((sum, t) => D.add(sum, D.parseDecimal(t.amount)), D.ZERO);
  return {
    amount: roundDecimalToMinor(exact, mode),
    quantity: D.toDecimalString(used),
    billableQuantity: D.toDecimalString(billable),
    tiers,
  };
}

function tierCharges(price: PriceModel, billable: D.Dec): TierCharge[] {
  const str = D.toDecimalString;
  switch (price.model) {
    case "per_unit": {
      const unit = D.parseDecimal(price.unitPrice);
      return [{ from: "0", to: null, quantity: str(billable), unitPrice: str(unit), flatFee: 0, amount: str(D.mul(billable, unit)) }];
    }
    case "package": {
      const packages = D.ceilDiv(billable, D.decimalFromNumber(price.packageSize));
      return [
        {
          from: "0",
          to: null,
          quantity: packages.toString(),
          unitPrice: String(price.packagePrice),
          flatFee: 0,
          amount: (packages * BigInt(price.packagePrice)).toString(),
        },
      ];
    }
    case "graduated": {
      const charges: TierCharge[] = [];
      let from = D.ZERO;
      for (const tier of price.tiers) {
        const to = tier.upTo === null ? null : D.decimalFromNumber(tier.upTo);
        const top = to === null ? billable : D.min(billable, to);
        const inTier = D.sub(top, from);
        if (D.compare(inTier, D.ZERO) > 0) charges.push(tierCharge(from, to, inTier, tier.unitPrice, tier.flatFee ?? 0));
        if (to === null || D.compare(billable, to) <= 0) break;
        from = to;
      }
      return charges;
    }
    case "volume": {
      let from = D.ZERO;
      for (const tier of price.tiers) {
        const to = tier.upTo === null ? null : D.decimalFromNumber(tier.upTo);
        if (to === null || D.compare(billable, to) <= 0) {
          return [tierCharge(from, to, billable, tier.unitPrice, tier.flatFee ?? 0)];
        }
        from = to;
      }
      throw new RangeError("Volume tiers must end with upTo: null");
    }
  }
}

function tierCharge(from: D.Dec, to: D.Dec | null, quantity: D.Dec, unitPrice: string, flatFee: number): TierCharge {
  const unit = D.parseDecimal(unitPrice);
  const amount = D.add(D.mul(quantity, unit), D.decimalFromBigInt(BigInt(flatFee)));
  return {
    from: D.toDecimalString(from),
    to: to === null ? null : D.toDecimalString(to),
    quantity: D.toDecimalString(quantity),
    unitPrice: D.toDecimalString(unit),
    flatFee,
    amount: D.toDecimalString(amount),
  };
}
