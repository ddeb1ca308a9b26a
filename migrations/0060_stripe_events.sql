-- Stripe webhook events, one row per event id: a redelivered event finds its row and changes nothing.
-- A delivery claims the row for a short lease while its handlers run; processed_at is set only
-- after every handler succeeded, so a failed delivery is retried by Stripe and runs again.
CREATE TABLE stripe_events (
  id TEXT PRIMARY KEY NOT NULL,
  type TEXT NOT NULL,
  -- data.object.id (pi_…, cs_…, in_…) and metadata.tenantId when present, for support and reporting.
  object_id TEXT,
  tenant_id TEXT,
  livemode INTEGER NOT NULL DEFAULT 0,
  -- 'handled' (a handler ran) or 'ignored' (no handler for the type); NULL until processed.
  outcome TEXT CHECK (outcome IS NULL OR outcome IN ('handled', 'ignored')),
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  event_created_at INTEGER NOT NULL,
  received_at INTEGER NOT NULL,
  claimed_until INTEGER,
  processed_at INTEGER
);
CREATE INDEX stripe_events_tenant ON stripe_events (tenant_id, received_at) WHERE tenant_id IS NOT NULL;
CREATE INDEX stripe_events_type ON stripe_events (type, received_at);
