import { minorUnitExponent } from "../lib/currency";
import { divide } from "../lib/decimal";
import { invalidState } from "../http/errors";

/**
 * Stripe's amount rules, which are not ISO 4217's. Every amount sent to Stripe goes through
 * `toStripeAmount` and every amount Stripe reports (webhooks, API answers) through
 * `fromStripeAmount`; nothing else in the code knows about them.
 *
 * - Zero-decimal currencies (amount in whole units): BIF CLP DJF GNF JPY KMF KRW MGA PYG RWF
 *   UGX VND VUV XAF XOF XPF. ISO gives MGA two decimals, so 12.34 MGA (1234 in our minor
 *   units) is charged as 12.
 * - ISK is zero-decimal in ISO but Stripe keeps two decimals for backwards compatibility, and
 *   the amount must be a multiple of 100: 5 ISK is 500.
 * - Three-decimal currencies (BHD JOD KWD OMR TND): the last digit must be 0, so 5.124 KWD
 *   (5124 fils) is charged as 5120.
 * - Everything else is two-decimal, as in ISO. HUF and TWD are charged with two decimals
 *   too; Stripe's zero-decimal rule for them (and UGX) applies to payouts, which this
 *   service does not make.
 * - A currency whose ISO exponent is neither 2 nor covered above (IQD, LYD, CLF, UYW, UYI)
 *   has no Stripe rule: Stripe does not take payments in it, and asking is a 409.
 *
 * Where Stripe's unit is coarser than ours, an amount is rounded to the nearest amount Stripe
 * accepts, ties up (0.5 MGA → 1, 5.125 KWD → 5.130), whatever the tenant's rounding mode: the
 * conversion must give the same figure at charge time and when the payment is checked against
 * the invoice, even if the tenant changes its setting in between. The difference (under half a
 * Stripe unit) is not billed; a payment settles an invoice when it covers the Stripe amount of
 * the invoice's amount due (`coversAmountDue`).
 */
interface StripeUnit {
  /** Decimal places of Stripe's amount integer. */
  exponent: number;
  /** The amount integer must be a multiple of this (ISK 100, three-decimal currencies 10). */
  step: number;
}

const ZERO_DECIMAL = new Set(["BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF"]);
const THREE_DECIMAL = new Set(["BHD", "JOD", "KWD", "OMR", "TND"]);

function stripeUnit(currency: string): StripeUnit {
  const code = currency.toUpperCase();
  if (ZERO_DECIMAL.has(code)) return { exponent: 0, step: 1 };
  if (code === "ISK") return { exponent: 2, step: 100 };
  if (THREE_DECIMAL.has(code)) return { exponent: 3, step: 10 };
  if (minorUnitExponent(code) === 2) return { exponent: 2, step: 1 };
  throw invalidState(`Stripe does not take payments in ${code}`, { currency: code });
}

/** Our amount (ISO minor units) as the integer Stripe expects for `currency`. */
export function toStripeAmount(amount: number, currency: string): number {
  if (!Number.isSafeInteger(amount)) throw new RangeError(`Amount must be an integer in minor units, got ${amount}`);
  const { exponent, step } = stripeUnit(currency);
  const shift = exponent - minorUnitExponent(currency);
  const scaled = shift >= 0 ? BigInt(amount) * 10n ** BigInt(shift) : divide(BigInt(amount), 10n ** BigInt(-shift), "half_up");
  return Number(divide(scaled, BigInt(step), "half_up") * BigInt(step));
}

/**
 * An amount Stripe reports, in our minor units. Exact for every amount Stripe can produce
 * for the currency; an ISK amount that is not a multiple of 100 (Stripe never sends one) is
 * rounded down, so a payment never counts for more than was received.
 */
export function fromStripeAmount(amount: number, currency: string): number {
  const { exponent } = stripeUnit(currency);
  const shift = minorUnitExponent(currency) - exponent;
  if (shift >= 0) return amount * 10 ** shift;
  const d = 10 ** -shift;
  return Math.floor(amount / d);
}

/** Whether `received` (Stripe units) pays an invoice whose amount due is `amountDue` (our minor units). */
export const coversAmountDue = (received: number, amountDue: number, currency: string): boolean => received >= toStripeAmount(amountDue, currency);

/** Stripe writes currency codes in lower case. */
export const stripeCurrency = (currency: string): string => currency.toLowerCase();
