-- Test clocks (README "Test clocks"): a frozen time that a tenant's billing runs on instead of
-- the real one, moved forward only by POST /test-clocks/:clockId/advance. A tenant is bound to
-- at most one clock, for life: it is put on one when it is created, and deleted with it.
CREATE TABLE test_clocks (
  id TEXT PRIMARY KEY NOT NULL,
  name TEXT,
  frozen_time INTEGER NOT NULL,
  status TEXT NOT NULL DEFAULT 'ready' CHECK (status IN ('ready', 'advancing', 'failed')),
  -- While advancing: where to. The runner moves frozen_time towards it step by step.
  advancing_to INTEGER,
  failure TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE test_clock_tenants (
  tenant_id TEXT PRIMARY KEY NOT NULL,
  clock_id TEXT NOT NULL REFERENCES test_clocks(id),
  created_at INTEGER NOT NULL
);
CREATE INDEX test_clock_tenants_clock ON test_clock_tenants(clock_id);
