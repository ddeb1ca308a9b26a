import { eq, inArray, sql } from "drizzle-orm";
import { byTenant, type TenantErasure } from "../db/erasure";
import { couponRedemptions, coupons, subscriptionDiscounts } from "./table";

/** A tenant's redemptions and discounts; its redemptions first stop counting against their coupons' limits. */
export const couponsErasure: TenantErasure = {
  before: (db, tenantId) => [
    db
      .update(coupons)
      .set({
        timesRedeemed: sql`times_redeemed - (SELECT COUNT(*) FROM coupon_redemptions r WHERE r.coupon_id = coupons.id AND r.tenant_id = ${tenantId})`,
      })
      .where(inArray(coupons.id, db.select({ id: couponRedemptions.couponId }).from(couponRedemptions).where(eq(couponRedemptions.tenantId, tenantId)))),
  ],
  tables: [byTenant(couponRedemptions), byTenant(subscriptionDiscounts)],
};
