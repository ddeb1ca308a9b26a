// The coupons module's public face: the catalog of codes, who may redeem them, and the
// discounts they put on subscriptions (the subscriptions module applies them).
export { codeKey, createCoupon, deactivateCoupon, findCouponByCode, getCoupon, listCoupons, toCoupon } from "./catalog";
export {
  applicableDiscounts,
  consumeDiscountPeriod,
  describeTerms,
  discountsBySubscription,
  insertDiscount,
  remainingPeriodsFor,
  toBps,
  toDiscount,
  type DiscountRow,
  type DiscountTerms,
} from "./discounts";
export { ineligibility, ineligibleError, redeemableCoupon, type Ineligibility } from "./eligibility";
export { redemptionFailure, redemptionStatements } from "./redemption";
export { CouponValidation, ValidateCoupon } from "./schemas";
export { validateCoupon } from "./validation";
