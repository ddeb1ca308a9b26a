/**
 * Invoice arithmetic, pure and exact. Lines arrive already priced (each rounded once,
 * in minor units); this adds them up, applies discounts, then tax, then credits:
 *
 *   subtotal  = Σ line amounts (base, usage, prorations; prorations may be negative)
 *   discounts = each discount in order on what is left: percent → rounded once,
 *               amount → at most what is left; never more than the subtotal
 *   tax       = round(taxable × rate_bps / 10 000), rounded once on the invoice total
 *
 * Every rounding is in the tenant's mode (`mode`: half-up or half-even).
 *   total     = taxable + tax
 *   credits   = min(credit balance, total);  amount due = total − credits
 *
 * A negative subtotal (proration credits larger than the charges) never makes a negative
 * invoice: the total is 0 and the excess is returned as `carryForward`, which finalization
 * adds to the tenant's credit balance.
 */
import { mulDivRounded, type RoundingMode } from "../money/rounding";

export type ChargeKind = "base" | "usage" | "proration";

export interface DraftLine {
  kind: ChargeKind;
  description: string;
  meter: string | null;
  quantity: string;
  unitPrice: string;
  amount: number;
  periodStart: number;
  periodEnd: number;
  sourceId: string | null;
  /** Usage lines: the quantity used before included units come off. */
  usedQuantity?: string | null;
}

export interface DiscountInput {
  id: string;
  description: string;
  /** Percent off with up to two decimals (12.5 = 12.5 %). */
  percentOff: number | null;
  /** Minor units off, in the invoice's currency. */
  amountOff: number | null;
}

export interface DiscountLine {
  sourceId: string;
  description: string;
  amount: number;
}

export interface InvoiceTotals {
  subtotal: number;
  discounts: DiscountLine[];
  discountTotal: number;
  taxRateBps: number;
  taxAmount: number;
  total: number;
  carryForward: number;
}

export function totalInvoice(lines: DraftLine[], discounts: DiscountInput[], taxRateBps: number, mode: RoundingMode): InvoiceTotals {
  const subtotal = lines.reduce((sum, l) => sum + l.amount, 0);
  const carryForward = subtotal < 0 ? -subtotal : 0;
  let remaining = Math.max(subtotal, 0);
  const applied: DiscountLine[] = [];
  for (const d of discounts) {
    if (remaining === 0) break;
    const off = d.percentOff !== null ? mulDivRounded(remaining, Math.round(d.percentOff * 100), 10_000, mode) : Math.min(d.amountOff ?? 0, remaining);
    if (off > 0) {
      applied.push({ sourceId: d.id, description: d.description, amount: -off });
      remaining -= off;
    }
  }
  const taxAmount = mulDivRounded(remaining, taxRateBps, 10_000, mode);
  return {
    subtotal,
    discounts: applied,
    discountTotal: Math.max(subtotal, 0) - remaining,
    taxRateBps,
    taxAmount,
    total: remaining + taxAmount,
    carryForward,
  };
}

export function applyCredits(total: number, balance: number): { creditsApplied: number; amountDue: number } {
  const creditsApplied = Math.max(0, Math.min(balance, total));
  return { creditsApplied, amountDue: total - creditsApplied };
}
