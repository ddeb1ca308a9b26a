/**
 * ISO 4217 minor units. Amounts are integers in the currency's minor unit: cents for USD,
 * yen for JPY (no decimals), fils for KWD (three). Only the exceptions to "2" are listed.
 */
const EXPONENTS: Readonly<Record<string, number>> = {
  // no minor unit
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0,
  UGX: 0, UYI: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  // thousandths
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
  // ten-thousandths
  CLF: 4, UYW: 4,
};

/** Decimal places of the currency's minor unit (USD 2, JPY 0, KWD 3); unknown codes → 2. */
export function minorUnitExponent(currency: string): number {
  return EXPONENTS[currency.toUpperCase()] ?? 2;
}

/** An integer amount in minor units as an exact major-unit decimal string: 123456 USD → "1234.56". */
export function toMajorUnits(amount: number, currency: string): string {
  if (!Number.isSafeInteger(amount)) throw new RangeError(`Amount must be an integer in minor units, got ${amount}`);
  const exponent = minorUnitExponent(currency);
  const digits = Math.abs(amount).toString().padStart(exponent + 1, "0");
  const whole = digits.slice(0, digits.length - exponent);
  const fraction = exponent > 0 ? `.${digits.slice(digits.length - exponent)}` : "";
  return `${amount < 0 ? "-" : ""}${whole}${fraction}`;
}

/**
 * For display: "$1,234.56", "¥1,200", "KWD 1.234". The amount is handed to Intl as an
 * exact decimal string, so nothing is rounded through a float on the way.
 */
export function formatMoney(amount: number, currency: string, locale = "en-US"): string {
  const exponent = minorUnitExponent(currency);
  const format = new Intl.NumberFormat(locale, {
    style: "currency",
    currency: currency.toUpperCase(),
    minimumFractionDigits: exponent,
    maximumFractionDigits: exponent,
  });
  return format.format(toMajorUnits(amount, currency) as `${number}`);
}
