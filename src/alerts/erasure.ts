import { byTenant, type TenantErasure } from "../db/erasure";
import { realtimeAlerts } from "./table";

export const alertsErasure: TenantErasure = { tables: [byTenant(realtimeAlerts)] };
