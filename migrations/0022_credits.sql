-- The credit ledger: every movement of a tenant's prepaid credit, signed, never updated.
-- A grant names itself in grant_id; consumptions (by invoices) and restores (voids) name
-- the grant they draw from or return to, and carry its expires_at, so the balance at t is
--   SUM(amount) WHERE tenant_id = ? AND currency = ? AND (expires_at IS NULL OR expires_at > t).
CREATE TABLE credit_ledger (
  id TEXT PRIMARY KEY NOT NULL,
  tenant_id TEXT NOT NULL,
  currency TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('grant', 'consumption', 'restore')),
  amount INTEGER NOT NULL,
  grant_id TEXT NOT NULL,
  expires_at INTEGER,
  reason TEXT NOT NULL,
  subscription_id TEXT,
  invoice_id TEXT,
  created_by TEXT,
  created_at INTEGER NOT NULL,
  CHECK ((kind = 'consumption') = (amount < 0)),
  CHECK (amount <> 0)
);
CREATE INDEX credit_ledger_balance ON credit_ledger (tenant_id, currency, expires_at);
CREATE INDEX credit_ledger_grant ON credit_ledger (grant_id);
CREATE INDEX credit_ledger_tenant_created ON credit_ledger (tenant_id, created_at DESC, id DESC);
-- An invoice consumes from (or restores to) each grant at most once.
CREATE UNIQUE INDEX credit_ledger_invoice ON credit_ledger (invoice_id, grant_id, kind) WHERE invoice_id IS NOT NULL;
