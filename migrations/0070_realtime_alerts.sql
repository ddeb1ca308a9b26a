-- Real-time cost and usage alerts. A trigger belongs to one window [window_start, window_end)
-- of the alert's period: once that window has ended the alert reads as `ok` again.
CREATE TABLE realtime_alerts (
  id TEXT PRIMARY KEY NOT NULL,
  tenant_id TEXT NOT NULL,
  name TEXT,
  type TEXT NOT NULL CHECK (type IN ('cost', 'usage')),
  metric TEXT,
  -- cost: minor units of the tenant's billing currency; usage: an exact decimal quantity.
  threshold_amount INTEGER CHECK (threshold_amount IS NULL OR threshold_amount >= 0),
  threshold_quantity TEXT,
  period TEXT NOT NULL CHECK (period IN ('billing_period', 'day', 'hour')),
  webhook_url TEXT,
  state TEXT NOT NULL DEFAULT 'ok' CHECK (state IN ('ok', 'triggered', 'dismissed')),
  triggered_at INTEGER,
  dismissed_at INTEGER,
  last_value TEXT,
  window_start INTEGER,
  window_end INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  CHECK ((type = 'cost' AND threshold_amount IS NOT NULL AND metric IS NULL) OR (type = 'usage' AND threshold_quantity IS NOT NULL AND metric IS NOT NULL))
);
CREATE INDEX realtime_alerts_tenant ON realtime_alerts (tenant_id, created_at, id);
