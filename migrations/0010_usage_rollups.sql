-- Hourly usage rollups, written only by the TenantMeter Durable Object's flush (idempotent upsert).
-- A bucket is one hour, split where a billing period starts inside that hour, per
-- (tenant, metric, project, resource, cost center). '' means "none" for a dimension
-- (NULL cannot take part in a primary key). Quantities are exact decimal strings.
-- See docs/tenant-meter-storage.md.
CREATE TABLE usage_rollups (
  tenant_id TEXT NOT NULL,
  bucket_start INTEGER NOT NULL,
  metric TEXT NOT NULL,
  project_id TEXT NOT NULL DEFAULT '',
  resource TEXT NOT NULL DEFAULT '',
  cost_center_id TEXT NOT NULL DEFAULT '',
  event_count INTEGER NOT NULL,
  sum_value TEXT NOT NULL,
  max_value TEXT,
  latest_at INTEGER,
  latest_seq INTEGER,
  latest_value TEXT,
  rejected_count INTEGER NOT NULL DEFAULT 0,
  version INTEGER NOT NULL,
  flushed_at INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, bucket_start, metric, project_id, resource, cost_center_id)
) WITHOUT ROWID;

-- Distinct values of unique_count meters per bucket (COUNT(DISTINCT value) over a window).
CREATE TABLE usage_rollup_values (
  tenant_id TEXT NOT NULL,
  bucket_start INTEGER NOT NULL,
  metric TEXT NOT NULL,
  value TEXT NOT NULL,
  project_id TEXT NOT NULL DEFAULT '',
  resource TEXT NOT NULL DEFAULT '',
  cost_center_id TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (tenant_id, bucket_start, metric, value, project_id, resource, cost_center_id)
) WITHOUT ROWID;
