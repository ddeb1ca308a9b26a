import { eq } from "drizzle-orm";
import type { Db } from "../db/client";
import { serviceConfig } from "../plans/catalog";
import { tenants } from "../tenants/table";

// ISO 4217 currencies whose minor unit is not a hundredth.
const MINOR_DIGITS: Record<string, number> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0, UYI: 0,
  VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
};

/** Decimal places of the currency's minor unit (2 for USD: amounts are cents). */
export const minorDigits = (currency: string) => MINOR_DIGITS[currency.toUpperCase()] ?? 2;

/**
 * The currency reports total in when the caller names none: the tenant's currency, else the
 * service's (config.json). Amounts in other currencies are never added into it.
 */
export async function reportingCurrency(db: Db, tenantId: string | null, requested?: string): Promise<string> {
  if (requested) return requested;
  if (tenantId) {
    const row = await db.select({ currency: tenants.currency }).from(tenants).where(eq(tenants.id, tenantId)).get();
    if (row) return row.currency;
  }
  return serviceConfig.currency;
}
