-- Foundation: plans and tenants. Times are epoch milliseconds (UTC); money is integer minor units.
CREATE TABLE plans (
  id TEXT PRIMARY KEY NOT NULL,
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  currency TEXT NOT NULL,
  base_price INTEGER NOT NULL CHECK (base_price >= 0),
  interval TEXT NOT NULL CHECK (interval IN ('month', 'year')),
  trial_days INTEGER NOT NULL DEFAULT 0,
  meters TEXT NOT NULL DEFAULT '[]',
  active INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE tenants (
  id TEXT PRIMARY KEY NOT NULL,
  name TEXT,
  billing_email TEXT,
  billing_address TEXT,
  currency TEXT NOT NULL DEFAULT 'USD',
  tax_rate_bps INTEGER NOT NULL DEFAULT 0 CHECK (tax_rate_bps BETWEEN 0 AND 10000),
  stripe_customer_id TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
