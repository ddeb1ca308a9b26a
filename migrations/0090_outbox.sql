-- The transactional outbox: a row written in the same D1 batch as the state change others must
-- hear about, delivered at least once by the `outbox` queue consumer and the minutely sweep.
-- kind 'event' rows are also the tenant's event log (kept 30 days); other kinds are internal
-- (e.g. 'meter.state': a subscription's state the tenant's meter must enforce).
-- seq is the commit order, which orders events per endpoint.
CREATE TABLE outbox (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  tenant_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  -- The public event type (kind 'event' only), e.g. 'invoice.paid'.
  type TEXT,
  -- JSON: the event's data, or the internal message.
  payload TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  -- When the dispatcher may (re)try it; failed attempts push it back with a backoff.
  available_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  done_at INTEGER
);
CREATE INDEX outbox_pending ON outbox (available_at) WHERE done_at IS NULL;
CREATE INDEX outbox_events ON outbox (tenant_id, created_at, seq) WHERE kind = 'event';
CREATE INDEX outbox_subject ON outbox (kind, tenant_id, created_at);
