-- Outbound webhooks (Standard Webhooks 1.0). An endpoint belongs to one tenant; its secret is
-- returned once at creation; a rotation keeps the previous one valid (and signed with) until
-- previous_secret_expires_at. lease_until: the dispatcher delivering to it right now (one at a
-- time per endpoint, which keeps its deliveries in event order).
CREATE TABLE webhook_endpoints (
  id TEXT PRIMARY KEY NOT NULL,
  tenant_id TEXT NOT NULL,
  url TEXT NOT NULL,
  description TEXT,
  -- JSON array of event types, or ["*"] for all.
  events TEXT NOT NULL,
  enabled INTEGER NOT NULL DEFAULT 1,
  disabled_reason TEXT,
  secret TEXT NOT NULL,
  previous_secret TEXT,
  previous_secret_expires_at INTEGER,
  -- 'api', or 'alert' when created for a realtime alert's webhookUrl.
  source TEXT NOT NULL DEFAULT 'api' CHECK (source IN ('api', 'alert')),
  -- First failed attempt since the last success; five days of failures disable the endpoint.
  failing_since INTEGER,
  lease_until INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX webhook_endpoints_tenant ON webhook_endpoints (tenant_id, created_at, id);

-- One row per (endpoint, event): what is still owed to the endpoint.
CREATE TABLE webhook_deliveries (
  id TEXT PRIMARY KEY NOT NULL,
  tenant_id TEXT NOT NULL,
  endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
  event_id TEXT NOT NULL,
  event_seq INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  -- Index into the retry schedule since the delivery was (re)queued.
  retry_step INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (endpoint_id, event_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (endpoint_id, status, event_seq);
CREATE INDEX webhook_deliveries_sweep ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';

-- The delivery log: one row per HTTP attempt (response bodies cut to 1 KB).
CREATE TABLE webhook_attempts (
  id TEXT PRIMARY KEY NOT NULL,
  tenant_id TEXT NOT NULL,
  endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
  delivery_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  event_type TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('succeeded', 'failed')),
  response_status INTEGER,
  response_body TEXT,
  error TEXT,
  duration_ms INTEGER NOT NULL,
  attempted_at INTEGER NOT NULL,
  next_attempt_at INTEGER
);
CREATE INDEX webhook_attempts_endpoint ON webhook_attempts (endpoint_id, attempted_at, id);
