-- Explicit quotas (the plan's limits are the defaults and live in plans/subscriptions).
-- source 'tenant': a cap the tenant set itself (adds to the plan's limits);
-- source 'operator': set by an admin (a billing_period one overrides the plan's limit).
CREATE TABLE quotas (
  id TEXT PRIMARY KEY NOT NULL,
  tenant_id TEXT NOT NULL,
  metric TEXT NOT NULL,
  limit_value TEXT NOT NULL,
  period TEXT NOT NULL CHECK (period IN ('hour', 'day', 'month', 'billing_period')),
  enforcement TEXT NOT NULL CHECK (enforcement IN ('hard', 'soft')),
  source TEXT NOT NULL CHECK (source IN ('tenant', 'operator')),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (tenant_id, metric, period, source)
);
CREATE INDEX quotas_by_tenant ON quotas (tenant_id, created_at, id);
