import { byTenant, type TenantErasure } from "../db/erasure";
import { webhookAttempts, webhookDeliveries, webhookEndpoints } from "./table";

/** A tenant's endpoints with their deliveries and attempts. */
export const webhooksErasure: TenantErasure = {
  tables: [byTenant(webhookAttempts), byTenant(webhookDeliveries), byTenant(webhookEndpoints)],
};
