import type { MoneyFormat } from "./pdf";

// WIP: replaced by src/money/currency once the money core lands.
export function moneyFormat(currency: string): MoneyFormat {
  const nf = new Intl.NumberFormat("en-US", { style: "currency", currency });
  const exp = nf.resolvedOptions().maximumFractionDigits ?? 2;
  return {
    amount: (minor) => nf.format(minor / 10 ** exp),
    unit: (d) => `${currency} ${Number(d) / 10 ** exp}`,
  };
}
