-- 0130 declared the test clock tables' keys `TEXT PRIMARY KEY` without NOT NULL, and SQLite
-- (unlike every other database) then lets such a key hold NULL. The drizzle tables, and every
-- other table here, say NOT NULL; SQLite cannot add it to a column, so both tables are rebuilt
-- with the same columns, checks, reference and index (the schema-drift test holds them equal).
-- The new tenants table references the new clocks table, so no row ever points at a dropped
-- one (the rename carries the reference along).

CREATE TABLE test_clocks_rebuilt (
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
INSERT INTO test_clocks_rebuilt (id, name, frozen_time, status, advancing_to, failure, created_at, updated_at)
  SELECT id, name, frozen_time, status, advancing_to, failure, created_at, updated_at FROM test_clocks WHERE id IS NOT NULL;

CREATE TABLE test_clock_tenants_rebuilt (
  tenant_id TEXT PRIMARY KEY NOT NULL,
  clock_id TEXT NOT NULL REFERENCES test_clocks_rebuilt(id),
  created_at INTEGER NOT NULL
);
INSERT INTO test_clock_tenants_rebuilt (tenant_id, clock_id, created_at)
  SELECT tenant_id, clock_id, created_at FROM test_clock_tenants WHERE tenant_id IS NOT NULL;

DROP TABLE test_clock_tenants;
DROP TABLE test_clocks;
ALTER TABLE test_clocks_rebuilt RENAME TO test_clocks;
ALTER TABLE test_clock_tenants_rebuilt RENAME TO test_clock_tenants;
CREATE INDEX test_clock_tenants_clock ON test_clock_tenants(clock_id);
