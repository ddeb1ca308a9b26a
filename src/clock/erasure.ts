import { byTenant, type TenantErasure } from "../db/erasure";
import { testClockTenants } from "./table";

/** The tenant's binding to its clock (the clock itself goes when the clock is deleted). */
export const clockErasure: TenantErasure = { tables: [byTenant(testClockTenants, true)] };
