import type { PlanMeter } from "../plans/schemas";
import type { RoundingMode } from "../money/rounding";
import { priceMeter } from "../pricing/price";

/**
 * What a meter's usage costs so far, as its invoice will price it: `priceMeter` on the
 * quantity, rounded once. An event's marginal price is the difference between the cost after
 * it and before it, so the debits of a period add up (telescope) to exactly the rounded
 * charge of its usage line, whatever tiers, packages or included units lie between.
 */
export function costOf(meter: PlanMeter, quantity: string, mode: RoundingMode): number {
  return meter.price === null ? 0 : priceMeter(meter.price, quantity, meter.includedQuantity, mode).amount;
}
