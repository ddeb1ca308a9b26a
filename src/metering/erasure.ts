import { byTenant, type TenantErasure } from "../db/erasure";
import { usageRollups, usageRollupValues } from "./table";

/** A tenant's hourly rollups in D1 (its meter's own storage is erased through the meter). */
export const meteringErasure: TenantErasure = { tables: [byTenant(usageRollupValues), byTenant(usageRollups)] };
