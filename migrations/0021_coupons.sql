-- Coupons (platform-wide, created by the operator), their redemptions, and the discounts
-- attached to subscriptions (from a coupon or ad hoc).
CREATE TABLE coupons (
  id TEXT PRIMARY KEY NOT NULL,
  code TEXT NOT NULL,
  -- Upper-cased code: codes are unique case-insensitively.
  code_key TEXT NOT NULL UNIQUE,
  name TEXT,
  -- Percent in basis points (1250 = 12.5 %), or an amount in minor units of `currency`.
  percent_off_bps INTEGER CHECK (percent_off_bps BETWEEN 1 AND 10000),
  amount_off INTEGER CHECK (amount_off > 0),
  currency TEXT,
  duration TEXT NOT NULL CHECK (duration IN ('once', 'repeating', 'forever')),
  duration_in_months INTEGER CHECK (duration_in_months > 0),
  max_redemptions INTEGER CHECK (max_redemptions > 0),
  times_redeemed INTEGER NOT NULL DEFAULT 0,
  redeem_by INTEGER,
  -- JSON array of plan ids the coupon is limited to; NULL = every plan.
  plan_ids TEXT,
  active INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  CHECK ((percent_off_bps IS NULL) <> (amount_off IS NULL)),
  CHECK ((amount_off IS NULL) = (currency IS NULL)),
  CHECK ((duration = 'repeating') = (duration_in_months IS NOT NULL)),
  -- Belt and braces for the redemption guard: the counter can never pass the limit.
  CHECK (max_redemptions IS NULL OR times_redeemed <= max_redemptions)
);
CREATE INDEX coupons_created ON coupons (created_at DESC, id DESC);

-- One row per redemption. coupon_id is written from a subquery that yields NULL when the
-- coupon is no longer redeemable, so NOT NULL aborts the whole redemption batch; the
-- UNIQUE pair makes a coupon redeemable once per tenant.
CREATE TABLE coupon_redemptions (
  id TEXT PRIMARY KEY NOT NULL,
  coupon_id TEXT NOT NULL REFERENCES coupons (id),
  tenant_id TEXT NOT NULL,
  subscription_id TEXT NOT NULL,
  discount_id TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  UNIQUE (coupon_id, tenant_id)
);

-- A discount on a subscription's invoices. remaining_periods: NULL = forever, otherwise the
-- invoices it still applies to; finalization decrements it once per invoice (last_invoice_id).
CREATE TABLE subscription_discounts (
  id TEXT PRIMARY KEY NOT NULL,
  tenant_id TEXT NOT NULL,
  -- Written from a subquery that yields NULL for a canceled subscription (aborts the batch).
  subscription_id TEXT NOT NULL REFERENCES subscriptions (id),
  coupon_id TEXT REFERENCES coupons (id),
  description TEXT NOT NULL,
  percent_off_bps INTEGER CHECK (percent_off_bps BETWEEN 1 AND 10000),
  amount_off INTEGER CHECK (amount_off > 0),
  currency TEXT,
  duration TEXT NOT NULL CHECK (duration IN ('once', 'repeating', 'forever')),
  duration_in_months INTEGER,
  remaining_periods INTEGER CHECK (remaining_periods >= 0),
  last_invoice_id TEXT,
  created_by TEXT,
  created_at INTEGER NOT NULL,
  CHECK ((percent_off_bps IS NULL) <> (amount_off IS NULL)),
  CHECK ((amount_off IS NULL) = (currency IS NULL))
);
CREATE INDEX subscription_discounts_subscription ON subscription_discounts (subscription_id, created_at);
