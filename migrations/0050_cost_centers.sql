-- Cost centers: a tenant's internal budget owners; usage events may carry costCenterId.
CREATE TABLE cost_centers (
  id TEXT PRIMARY KEY NOT NULL,
  tenant_id TEXT NOT NULL,
  name TEXT NOT NULL,
  code TEXT,
  description TEXT NOT NULL DEFAULT '',
  owner_email TEXT,
  budget_amount INTEGER CHECK (budget_amount IS NULL OR budget_amount >= 0),
  budget_currency TEXT,
  tags TEXT NOT NULL DEFAULT '[]',
  active INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX cost_centers_name ON cost_centers (tenant_id, name COLLATE NOCASE);
CREATE UNIQUE INDEX cost_centers_code ON cost_centers (tenant_id, code) WHERE code IS NOT NULL;
CREATE INDEX cost_centers_tenant ON cost_centers (tenant_id, created_at, id);
