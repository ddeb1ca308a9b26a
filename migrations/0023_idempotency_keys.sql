-- Idempotency-Key records (src/http/idempotency.ts): the first response to a key, replayed
-- for the same request and refused (409) for a different one. Kept for at least 24 hours.
CREATE TABLE idempotency_keys (
  -- Tenant, principal and route: the same key from another caller or route is another key.
  scope TEXT NOT NULL,
  key TEXT NOT NULL,
  -- SHA-256 of method, path and body.
  fingerprint TEXT NOT NULL,
  -- NULL while the first request is still running.
  status INTEGER,
  response_body TEXT,
  content_type TEXT,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);
