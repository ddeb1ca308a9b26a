import { eq, inArray } from "drizzle-orm";
import { byTenant, type TenantErasure } from "../db/erasure";
import { invoiceLines, invoices, invoiceSequences } from "./table";

/** A tenant's invoices, their lines (found through the invoice) and its numbering. */
export const invoicesErasure: TenantErasure = {
  before: (db, tenantId) => [
    db.delete(invoiceLines).where(inArray(invoiceLines.invoiceId, db.select({ id: invoices.id }).from(invoices).where(eq(invoices.tenantId, tenantId)))),
  ],
  alsoEmpties: [invoiceLines],
  tables: [byTenant(invoices), byTenant(invoiceSequences)],
};
