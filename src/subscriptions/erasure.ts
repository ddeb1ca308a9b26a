import { byTenant, type TenantErasure } from "../db/erasure";
import { subscriptionPeriods, subscriptionPhases, subscriptions } from "./table";

/** A tenant's subscriptions with their phases and periods (coupons' discounts on them go first). */
export const subscriptionsErasure: TenantErasure = {
  tables: [byTenant(subscriptionPhases), byTenant(subscriptionPeriods), byTenant(subscriptions)],
};
