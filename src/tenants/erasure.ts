import { byColumn, type TenantErasure } from "../db/erasure";
import { tenants } from "./table";

/** The tenant's settings row, last. */
export const tenantsErasure: TenantErasure = { tables: [byColumn(tenants, tenants.id, true)] };
