// Display formatting. Money arrives as integer minor units and is shown through an exact
// decimal string (never divided as a float), in the currency's own number of digits.

const digitsCache = new Map<string, number>();

export function currencyDigits(currency: string): number {
  let digits = digitsCache.get(currency);
  if (digits === undefined) {
    digits = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
    digitsCache.set(currency, digits);
  }
  return digits;
}

/** 12345 minor units of USD → "123.45" (exact: string arithmetic on the integer). */
export function minorToDecimal(amount: number, currency: string): string {
  const digits = currencyDigits(currency);
  const sign = amount < 0 ? "-" : "";
  const units = String(Math.abs(Math.trunc(amount)));
  if (digits === 0) return sign + units;
  const padded = units.padStart(digits + 1, "0");
  return `${sign}${padded.slice(0, -digits)}.${padded.slice(-digits)}`;
}

type Decimal = `${number}`;

/** `signed`: a movement, "+$50.00" / "−$0.12" (a true minus sign, read as "minus"). */
export function formatMoney(money: { amount: number; currency: string | null } | null | undefined, { signed = false } = {}): string {
  if (!money) return "—";
  if (!money.currency) return String(money.amount);
  const format = new Intl.NumberFormat("en", { style: "currency", currency: money.currency, signDisplay: signed ? "exceptZero" : "auto" });
  const text = format.format(minorToDecimal(money.amount, money.currency) as Decimal as unknown as number);
  return signed ? text.replace("-", "\u2212") : text;
}

/** "12.5" USD → 1250: exact, by digits, never through a float multiplication. */
export function majorToMinor(text: string, currency: string): number {
  const digits = currencyDigits(currency);
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!match) throw new Error(`"${text}" is not an amount`);
  const fraction = match[2] ?? "";
  if (fraction.length > digits) throw new Error(`${currency} amounts have at most ${digits} decimals`);
  return Number(match[1]! + fraction.padEnd(digits, "0"));
}

/** Major units as a float, for chart axes only (never for a figure shown as money). */
export const chartValue = (amount: number, currency: string | null) => (currency ? amount / 10 ** currencyDigits(currency) : amount);

/** An exact decimal quantity string, with digit grouping. */
export function formatQuantity(quantity: string | number): string {
  return new Intl.NumberFormat("en", { maximumFractionDigits: 9 }).format(String(quantity) as Decimal as unknown as number);
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return "—";
  return new Date(iso).toLocaleDateString("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  return `${new Date(iso).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" })} UTC`;
}

export function daysLeft(endIso: string, now = Date.now()): number {
  return Math.max(0, Math.ceil((Date.parse(endIso) - now) / 86_400_000));
}

/** "llmTokens" → "LLM tokens", "apiCalls" → "API calls": metric keys for people. */
export function metricLabel(metric: string): string {
  const words = metric.replace(/([a-z0-9])([A-Z])/g, "$1 $2").split(/[\s_-]+/);
  return words.map((w, i) => (/^(api|llm|gpu|cpu|sso)$/i.test(w) ? w.toUpperCase() : i === 0 ? w[0]!.toUpperCase() + w.slice(1) : w.toLowerCase())).join(" ");
}

export const percent = (part: number, whole: number) => (whole > 0 ? Math.min(100, (part / whole) * 100) : 0);
