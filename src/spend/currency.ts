import { eq } from "drizzle-orm";
import type { Db } from "../db/client";
import { serviceConfig } from "../plans/catalog";
import { tenants } from "../tenants/table";

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
