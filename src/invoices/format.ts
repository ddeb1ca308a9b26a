import { formatMoney, minorUnitExponent } from "../lib/currency";
import { parseDecimal, toDecimalString } from "../lib/decimal";
import type { MoneyFormat } from "./pdf";

/** How an invoice PDF prints money: amounts by the currency's exponent, unit prices exactly. */
export function moneyFormat(currency: string): MoneyFormat {
  const exponent = minorUnitExponent(currency);
  const symbol = formatMoney(0, currency)
    .replace(/[\d.,]/g, "")
    .trim();
  // Like Intl: a code symbol is followed by a no-break space ("KWD 0.0003"), a sign is not ("$0.0002").
  const prefix = /^[A-Z]{2,}$/.test(symbol) ? `${symbol}\u00a0` : symbol;
  return {
    amount: (minor) => formatMoney(minor, currency),
    // A unit price is a decimal in minor units ("0.02" cents): shift it to major units, unrounded.
    unit: (decimalMinor) => {
      const d = parseDecimal(decimalMinor);
      const [whole, fraction = ""] = toDecimalString({ units: d.units < 0n ? -d.units : d.units, scale: d.scale + exponent }).split(".");
      const digits = fraction.padEnd(exponent, "0");
      return `${d.units < 0n ? "-" : ""}${prefix}${whole}${digits ? `.${digits}` : ""}`;
    },
  };
}
