-- Subscriptions, their pauses, and proration items waiting for the next invoice.
-- Times are epoch milliseconds (UTC), periods half-open [start, end); money is integer minor units.
CREATE TABLE subscriptions (
  id TEXT PRIMARY KEY NOT NULL,
  tenant_id TEXT NOT NULL,
  project_id TEXT,
  product_id TEXT,
  plan_id TEXT NOT NULL,
  -- The plan's currency when subscribed; plan changes must keep it.
  currency TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('trialing', 'active', 'paused', 'past_due', 'canceled')),
  -- Periods are anniversaries of this instant (the start, or the trial end).
  billing_anchor INTEGER NOT NULL,
  current_period_start INTEGER NOT NULL,
  current_period_end INTEGER NOT NULL,
  -- The plan whose base fee the current period is billed at: the plan in effect when the
  -- period began. Immediate plan changes are settled by pending proration items instead.
  period_plan_id TEXT NOT NULL,
  trial_start INTEGER,
  trial_end INTEGER,
  cancel_at_period_end INTEGER NOT NULL DEFAULT 0,
  canceled_at INTEGER,
  ended_at INTEGER,
  paused_at INTEGER,
  resumes_at INTEGER,
  scheduled_plan_id TEXT,
  scheduled_change_at INTEGER,
  reactivated_from TEXT,
  -- Optimistic concurrency: every write compares and bumps it inside its batch.
  version INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  CHECK (current_period_end > current_period_start)
);
-- One live (not canceled) subscription per tenant, and per project where one is named.
CREATE UNIQUE INDEX subscriptions_live ON subscriptions (tenant_id, ifnull(project_id, '')) WHERE status <> 'canceled';
CREATE INDEX subscriptions_tenant_created ON subscriptions (tenant_id, created_at DESC, id DESC);
CREATE INDEX subscriptions_period_end ON subscriptions (current_period_end);
CREATE INDEX subscriptions_resumes ON subscriptions (resumes_at) WHERE status = 'paused';

-- Every period that has ended (or was cut short by an immediate cancel), frozen at the
-- moment it closed: what the invoice for that period bills. plan_id is the plan the base
-- fee is billed at; trial = 1 means no base fee. The invoice that bills a period sets
-- invoice_id (conditionally: WHERE invoice_id IS NULL).
CREATE TABLE subscription_periods (
  id TEXT PRIMARY KEY NOT NULL,
  subscription_id TEXT NOT NULL REFERENCES subscriptions (id),
  tenant_id TEXT NOT NULL,
  period_start INTEGER NOT NULL,
  period_end INTEGER NOT NULL,
  plan_id TEXT NOT NULL,
  currency TEXT NOT NULL,
  trial INTEGER NOT NULL,
  -- When the subscription ended inside this period (immediate cancel), else NULL.
  ended_at INTEGER,
  closed_at INTEGER NOT NULL,
  invoice_id TEXT,
  UNIQUE (subscription_id, period_start),
  CHECK (period_end > period_start)
);
CREATE INDEX subscription_periods_uninvoiced ON subscription_periods (closed_at) WHERE invoice_id IS NULL;
CREATE INDEX subscription_periods_tenant ON subscription_periods (tenant_id, period_start);

-- Spans during which a subscription was paused: no base fee accrues in them. A span never
-- crosses a period boundary (the roll-over splits it), and plan_id is the plan it paused.
CREATE TABLE subscription_pauses (
  id TEXT PRIMARY KEY NOT NULL,
  subscription_id TEXT NOT NULL REFERENCES subscriptions (id),
  tenant_id TEXT NOT NULL,
  plan_id TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  ended_at INTEGER,
  CHECK (ended_at IS NULL OR ended_at >= started_at)
);
CREATE INDEX subscription_pauses_subscription ON subscription_pauses (subscription_id, started_at);

-- Signed amounts owed (+) or credited (−) by mid-period changes, not yet on an invoice.
-- The invoice that takes an item sets invoice_id (conditionally: WHERE invoice_id IS NULL).
CREATE TABLE pending_invoice_items (
  id TEXT PRIMARY KEY NOT NULL,
  tenant_id TEXT NOT NULL,
  subscription_id TEXT NOT NULL REFERENCES subscriptions (id),
  kind TEXT NOT NULL CHECK (kind IN ('proration')),
  description TEXT NOT NULL,
  plan_id TEXT,
  amount INTEGER NOT NULL,
  currency TEXT NOT NULL,
  period_start INTEGER NOT NULL,
  period_end INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  invoice_id TEXT
);
CREATE INDEX pending_invoice_items_open ON pending_invoice_items (tenant_id, subscription_id, created_at) WHERE invoice_id IS NULL;
CREATE INDEX pending_invoice_items_invoice ON pending_invoice_items (invoice_id) WHERE invoice_id IS NOT NULL;
