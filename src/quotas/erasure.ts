import { byTenant, type TenantErasure } from "../db/erasure";
import { quotas } from "./table";

export const quotasErasure: TenantErasure = { tables: [byTenant(quotas)] };
