import type { Db } from "../db/client";
import { serviceConfig } from "../plans/catalog";
import { tenantCurrency } from "../tenants/service";

/**
 * The currency reports total in when the caller names none: the tenant's currency, else the
 * service's (config.json). Amounts in other currencies are never added into it.
 */
export async function reportingCurrency(db: Db, tenantId: string | null, requested?: string): Promise<string> {
  if (requested) return requested;
  if (tenantId) {
    const currency = await tenantCurrency(db, tenantId);
    if (currency) return currency;
  }
  return serviceConfig.currency;
}
