-- Invoices: draft → open (finalized, numbered) → paid | void | uncollectible.
-- A finalized invoice and its lines never change; corrections are voids (and credits).
CREATE TABLE invoices (
  id TEXT PRIMARY KEY NOT NULL,
  tenant_id TEXT NOT NULL,
  subscription_id TEXT,
  -- Generation is idempotent per (tenant, subscription, period): a second request returns the first invoice.
  period_key TEXT NOT NULL,
  number TEXT,
  status TEXT NOT NULL CHECK (status IN ('draft', 'open', 'paid', 'void', 'uncollectible')),
  currency TEXT NOT NULL,
  period_start INTEGER NOT NULL,
  period_end INTEGER NOT NULL,
  subtotal INTEGER NOT NULL DEFAULT 0,
  discount_total INTEGER NOT NULL DEFAULT 0,
  tax_rate_bps INTEGER NOT NULL DEFAULT 0,
  tax_amount INTEGER NOT NULL DEFAULT 0,
  total INTEGER NOT NULL DEFAULT 0 CHECK (total >= 0),
  credits_applied INTEGER NOT NULL DEFAULT 0 CHECK (credits_applied >= 0),
  amount_due INTEGER NOT NULL DEFAULT 0 CHECK (amount_due >= 0),
  -- Snapshot of seller and customer at finalization, so the PDF can be re-rendered identically.
  billing_snapshot TEXT,
  pdf_key TEXT,
  stripe_payment_intent_id TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  finalized_at INTEGER,
  due_at INTEGER,
  paid_at INTEGER,
  voided_at INTEGER
);
CREATE UNIQUE INDEX invoices_period ON invoices (tenant_id, period_key);
CREATE UNIQUE INDEX invoices_number ON invoices (tenant_id, number) WHERE number IS NOT NULL;
CREATE INDEX invoices_tenant_created ON invoices (tenant_id, period_start DESC, id DESC);

CREATE TABLE invoice_lines (
  id TEXT PRIMARY KEY NOT NULL,
  invoice_id TEXT NOT NULL REFERENCES invoices (id),
  position INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('base', 'usage', 'proration', 'discount', 'credit', 'tax')),
  description TEXT NOT NULL,
  meter TEXT,
  quantity TEXT NOT NULL,
  unit_price TEXT NOT NULL,
  amount INTEGER NOT NULL,
  period_start INTEGER NOT NULL,
  period_end INTEGER NOT NULL,
  -- The pending item or discount this line consumed, so voids and re-generation can find it.
  source_id TEXT
);
CREATE INDEX invoice_lines_invoice ON invoice_lines (invoice_id, position);

-- Gapless numbering: the counter moves only in the same batch that turns a draft into an open invoice.
CREATE TABLE invoice_sequences (
  tenant_id TEXT PRIMARY KEY NOT NULL,
  last_number INTEGER NOT NULL DEFAULT 0
);
