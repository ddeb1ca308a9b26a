-- What was in force when: immutable plan versions, and each subscription's history as phases.
--
-- plan_versions: every version a plan ever had. `plans` keeps the current version's fields
-- (what GET /plans shows and new subscriptions take) and its number; a version is never
-- changed once written. Subscriptions record the version they are on.
--
-- subscription_phases: append-only. A phase starts at `starts_at` and lasts until the next
-- phase of the same subscription (ties: the higher seq wins). It says which plan version
-- prices usage (`plan_*`), whose base fee accrues (`fee_plan_*`, NULL = none: trial, pause,
-- prorated cancel) and the state (`ended` = nothing billed any more). A billing period's
-- segments are cut at its phases' starts (src/subscriptions/segments.ts). This replaces the
-- pause spans, the pending proration items and `period_plan_id`, which are converted below.

CREATE TABLE plan_versions (
  plan_id TEXT NOT NULL REFERENCES plans (id),
  version INTEGER NOT NULL,
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  currency TEXT NOT NULL,
  base_price INTEGER NOT NULL CHECK (base_price >= 0),
  interval TEXT NOT NULL CHECK (interval IN ('month', 'year')),
  trial_days INTEGER NOT NULL,
  -- 'free': metered usage during a trial is not billed; 'billed': it is (the fee is waived either way).
  trial_usage TEXT NOT NULL CHECK (trial_usage IN ('free', 'billed')),
  meters TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (plan_id, version)
);

ALTER TABLE plans ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE plans ADD COLUMN trial_usage TEXT NOT NULL DEFAULT 'free';

INSERT INTO plan_versions (plan_id, version, name, description, currency, base_price, interval, trial_days, trial_usage, meters, created_at)
SELECT id, 1, name, description, currency, base_price, interval, trial_days, 'free', meters, created_at FROM plans;

ALTER TABLE subscriptions ADD COLUMN plan_version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE subscriptions ADD COLUMN scheduled_plan_version INTEGER;
ALTER TABLE subscription_periods ADD COLUMN plan_version INTEGER NOT NULL DEFAULT 1;

CREATE TABLE subscription_phases (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  subscription_id TEXT NOT NULL REFERENCES subscriptions (id),
  tenant_id TEXT NOT NULL,
  project_id TEXT,
  starts_at INTEGER NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('trial', 'active', 'paused', 'ended')),
  plan_id TEXT NOT NULL,
  plan_version INTEGER NOT NULL,
  fee_plan_id TEXT,
  fee_plan_version INTEGER,
  created_at INTEGER NOT NULL,
  CHECK ((fee_plan_id IS NULL) = (fee_plan_version IS NULL))
);
CREATE INDEX subscription_phases_subscription ON subscription_phases (subscription_id, starts_at, seq);
CREATE INDEX subscription_phases_projects ON subscription_phases (tenant_id, project_id) WHERE project_id IS NOT NULL;

-- History of existing subscriptions as phases. Phases at one instant are ordered by seq, so
-- the statements run in the order such ties resolve: a pause ending, a period starting, a
-- plan change, a pause starting, the end. (D1 caps compound SELECTs, hence one per kind.)

-- A pause that ended: the period's plan and its fee again.
INSERT INTO subscription_phases (subscription_id, tenant_id, project_id, starts_at, state, plan_id, plan_version, fee_plan_id, fee_plan_version, created_at)
SELECT s.id, s.tenant_id, s.project_id, x.ended_at, 'active', x.plan_id, 1, x.plan_id, 1, s.created_at
FROM subscription_pauses x JOIN subscriptions s ON s.id = x.subscription_id
WHERE x.ended_at IS NOT NULL
ORDER BY x.ended_at;

-- Each frozen period's start, on the plan it was billed at (a trial period bills no fee).
INSERT INTO subscription_phases (subscription_id, tenant_id, project_id, starts_at, state, plan_id, plan_version, fee_plan_id, fee_plan_version, created_at)
SELECT s.id, s.tenant_id, s.project_id, p.period_start, CASE WHEN p.trial = 1 THEN 'trial' ELSE 'active' END,
       p.plan_id, 1, CASE WHEN p.trial = 1 THEN NULL ELSE p.plan_id END, CASE WHEN p.trial = 1 THEN NULL ELSE 1 END, s.created_at
FROM subscriptions s JOIN subscription_periods p ON p.subscription_id = s.id
ORDER BY p.period_start;

-- The current period's start, unless it is frozen above.
INSERT INTO subscription_phases (subscription_id, tenant_id, project_id, starts_at, state, plan_id, plan_version, fee_plan_id, fee_plan_version, created_at)
SELECT s.id, s.tenant_id, s.project_id, s.current_period_start,
       CASE WHEN s.trial_end IS NOT NULL AND s.trial_end >= s.current_period_end THEN 'trial' ELSE 'active' END,
       s.period_plan_id, 1,
       CASE WHEN s.trial_end IS NOT NULL AND s.trial_end >= s.current_period_end THEN NULL ELSE s.period_plan_id END,
       CASE WHEN s.trial_end IS NOT NULL AND s.trial_end >= s.current_period_end THEN NULL ELSE 1 END,
       s.created_at
FROM subscriptions s
WHERE NOT EXISTS (SELECT 1 FROM subscription_periods p WHERE p.subscription_id = s.id AND p.period_start = s.current_period_start);

-- An immediate plan change inside the current period: usage at the new plan from the change
-- (its proration charge's start); the new fee only if it was prorated (a charge exists).
INSERT INTO subscription_phases (subscription_id, tenant_id, project_id, starts_at, state, plan_id, plan_version, fee_plan_id, fee_plan_version, created_at)
SELECT s.id, s.tenant_id, s.project_id,
       COALESCE((SELECT MAX(i.period_start) FROM pending_invoice_items i WHERE i.subscription_id = s.id AND i.plan_id = s.plan_id AND i.amount > 0), s.updated_at),
       CASE WHEN s.status = 'trialing' THEN 'trial' ELSE 'active' END,
       s.plan_id, 1,
       CASE WHEN s.status = 'trialing' THEN NULL
            WHEN EXISTS (SELECT 1 FROM pending_invoice_items i WHERE i.subscription_id = s.id AND i.plan_id = s.plan_id AND i.amount > 0) THEN s.plan_id
            ELSE s.period_plan_id END,
       CASE WHEN s.status = 'trialing' THEN NULL ELSE 1 END,
       s.created_at
FROM subscriptions s
WHERE s.status <> 'canceled' AND s.plan_id <> s.period_plan_id;

-- A pause: no fee while it lasts.
INSERT INTO subscription_phases (subscription_id, tenant_id, project_id, starts_at, state, plan_id, plan_version, fee_plan_id, fee_plan_version, created_at)
SELECT s.id, s.tenant_id, s.project_id, x.started_at, 'paused', x.plan_id, 1, NULL, NULL, s.created_at
FROM subscription_pauses x JOIN subscriptions s ON s.id = x.subscription_id
ORDER BY x.started_at;

-- The end: a prorated cancel (a credit item made at that instant) stops the fee.
INSERT INTO subscription_phases (subscription_id, tenant_id, project_id, starts_at, state, plan_id, plan_version, fee_plan_id, fee_plan_version, created_at)
SELECT s.id, s.tenant_id, s.project_id, s.ended_at, 'ended', s.plan_id, 1,
       CASE WHEN EXISTS (SELECT 1 FROM pending_invoice_items i WHERE i.subscription_id = s.id AND i.amount < 0 AND i.created_at = s.ended_at) THEN NULL ELSE s.period_plan_id END,
       CASE WHEN EXISTS (SELECT 1 FROM pending_invoice_items i WHERE i.subscription_id = s.id AND i.amount < 0 AND i.created_at = s.ended_at) THEN NULL ELSE 1 END,
       s.created_at
FROM subscriptions s
WHERE s.ended_at IS NOT NULL;

ALTER TABLE subscriptions DROP COLUMN period_plan_id;
DROP TABLE pending_invoice_items;
DROP TABLE subscription_pauses;
