import { byTenant, type TenantErasure } from "../db/erasure";
import { costCenters } from "./table";

export const costCentersErasure: TenantErasure = { tables: [byTenant(costCenters)] };
