-- Spend tracking (seed 000): what each tenant pays its providers, the categories it files
-- them under, provider sync jobs, and a full-text index. Times are epoch ms (UTC); money is
-- integer minor units of the item's own currency.

CREATE TABLE spend_categories (
  id TEXT PRIMARY KEY NOT NULL,
  tenant_id TEXT NOT NULL,
  name TEXT NOT NULL COLLATE NOCASE,
  description TEXT NOT NULL DEFAULT '',
  color TEXT CHECK (color IS NULL OR (length(color) = 7 AND color GLOB '#[0-9A-F][0-9A-F][0-9A-F][0-9A-F][0-9A-F][0-9A-F]')),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
-- Names are unique per tenant, case-insensitively ("Infrastructure" = "infrastructure").
CREATE UNIQUE INDEX spend_categories_tenant_name ON spend_categories (tenant_id, name);

-- `seq` is the rowid alias: the FTS index and the tag index key on it, so it must never change
-- (an implicit rowid may be renumbered by VACUUM). `id` is the public identifier.
CREATE TABLE spend_items (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  tenant_id TEXT NOT NULL,
  name TEXT NOT NULL,
  -- The API accepts only amounts >= 0; a synced line may be negative when provider credits
  -- exceed charges that day, so reports match the provider's own figures.
  amount INTEGER NOT NULL,
  currency TEXT NOT NULL,
  provider TEXT NOT NULL,
  provider_ref TEXT,
  service TEXT,
  category_id TEXT REFERENCES spend_categories (id) ON DELETE SET NULL,
  tags TEXT NOT NULL DEFAULT '[]',
  description TEXT NOT NULL DEFAULT '',
  recurring INTEGER NOT NULL DEFAULT 0 CHECK (recurring IN (0, 1)),
  period TEXT,
  stage_app TEXT,
  author TEXT,
  date INTEGER NOT NULL,
  sync_job_id TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
-- (provider, providerRef) is unique per tenant; NULL refs never collide. provider_ref leads
-- after tenant_id so the planner never prefers this index for "GROUP BY provider" over the
-- covering report index below.
CREATE UNIQUE INDEX spend_items_provider_ref ON spend_items (tenant_id, provider_ref, provider);
-- Lists (newest first, keyset on date then id) and date-range filters. Other list filters
-- are checked while walking this index: a page needs limit+1 matches, not a sort of them all.
CREATE INDEX spend_items_tenant_date ON spend_items (tenant_id, date, id);
-- Category deletes find their items.
CREATE INDEX spend_items_category ON spend_items (category_id) WHERE category_id IS NOT NULL;
-- Reports: covers every column summary/breakdown/trend read, so they never touch the table rows.
CREATE INDEX spend_items_report ON spend_items (tenant_id, currency, date, amount, provider, service, category_id, recurring);

-- One row per (item, tag), maintained by the triggers below: `?tags=` filters and the tag
-- breakdown use it instead of parsing JSON per row.
CREATE TABLE spend_item_tags (
  item_seq INTEGER NOT NULL,
  tenant_id TEXT NOT NULL,
  tag TEXT NOT NULL,
  PRIMARY KEY (item_seq, tag)
) WITHOUT ROWID;
CREATE INDEX spend_item_tags_tenant_tag ON spend_item_tags (tenant_id, tag, item_seq);

-- External-content FTS5 index over the searchable columns (tags is the JSON array text; the
-- tokenizer splits it into words). Prefix indexes make `comp*` cheap.
CREATE VIRTUAL TABLE spend_items_fts USING fts5 (
  name, description, provider, service, tags,
  content = 'spend_items', content_rowid = 'seq',
  tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
);

-- Triggers keep the FTS index and the tag rows in the same transaction as every write to
-- spend_items, whichever path wrote it (API, bulk import, sync upsert, category delete).
CREATE TRIGGER spend_items_ai AFTER INSERT ON spend_items BEGIN
  INSERT INTO spend_items_fts (rowid, name, description, provider, service, tags)
    VALUES (new.seq, new.name, new.description, new.provider, new.service, new.tags);
  INSERT INTO spend_item_tags (item_seq, tenant_id, tag)
    SELECT new.seq, new.tenant_id, value FROM json_each(new.tags) WHERE true
    ON CONFLICT DO NOTHING;
END;

CREATE TRIGGER spend_items_ad AFTER DELETE ON spend_items BEGIN
  INSERT INTO spend_items_fts (spend_items_fts, rowid, name, description, provider, service, tags)
    VALUES ('delete', old.seq, old.name, old.description, old.provider, old.service, old.tags);
  DELETE FROM spend_item_tags WHERE item_seq = old.seq;
END;

CREATE TRIGGER spend_items_au_fts AFTER UPDATE OF name, description, provider, service, tags ON spend_items BEGIN
  INSERT INTO spend_items_fts (spend_items_fts, rowid, name, description, provider, service, tags)
    VALUES ('delete', old.seq, old.name, old.description, old.provider, old.service, old.tags);
  INSERT INTO spend_items_fts (rowid, name, description, provider, service, tags)
    VALUES (new.seq, new.name, new.description, new.provider, new.service, new.tags);
END;

CREATE TRIGGER spend_items_au_tags AFTER UPDATE OF tags ON spend_items WHEN old.tags IS NOT new.tags BEGIN
  DELETE FROM spend_item_tags WHERE item_seq = old.seq;
  INSERT INTO spend_item_tags (item_seq, tenant_id, tag)
    SELECT new.seq, new.tenant_id, value FROM json_each(new.tags) WHERE true
    ON CONFLICT DO NOTHING;
END;

-- Monthly totals per (tenant, currency, month, provider, service, category, recurring), kept
-- by triggers in the same transaction as every item write. Reports whose filters and range
-- these columns can answer (whole UTC months; no tag, stageApp or author filter) read this
-- instead of the items, so all-time reports cost months x groups, not items. '' stands for
-- "no service" / "no category" (key columns cannot be NULL here).
CREATE TABLE spend_monthly (
  tenant_id TEXT NOT NULL,
  currency TEXT NOT NULL,
  month TEXT NOT NULL,
  provider TEXT NOT NULL,
  service TEXT NOT NULL,
  category_id TEXT NOT NULL,
  recurring INTEGER NOT NULL,
  amount INTEGER NOT NULL,
  item_count INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, currency, month, provider, service, category_id, recurring)
) WITHOUT ROWID;

CREATE TRIGGER spend_monthly_ai AFTER INSERT ON spend_items BEGIN
  INSERT INTO spend_monthly (tenant_id, currency, month, provider, service, category_id, recurring, amount, item_count)
    VALUES (new.tenant_id, new.currency, strftime('%Y-%m', new.date / 1000, 'unixepoch'), new.provider,
      COALESCE(new.service, ''), COALESCE(new.category_id, ''), new.recurring, new.amount, 1)
    ON CONFLICT DO UPDATE SET amount = amount + excluded.amount, item_count = item_count + 1;
END;

CREATE TRIGGER spend_monthly_ad AFTER DELETE ON spend_items BEGIN
  UPDATE spend_monthly SET amount = amount - old.amount, item_count = item_count - 1
    WHERE tenant_id = old.tenant_id AND currency = old.currency AND month = strftime('%Y-%m', old.date / 1000, 'unixepoch')
      AND provider = old.provider AND service = COALESCE(old.service, '') AND category_id = COALESCE(old.category_id, '')
      AND recurring = old.recurring;
  DELETE FROM spend_monthly
    WHERE tenant_id = old.tenant_id AND currency = old.currency AND month = strftime('%Y-%m', old.date / 1000, 'unixepoch')
      AND provider = old.provider AND service = COALESCE(old.service, '') AND category_id = COALESCE(old.category_id, '')
      AND recurring = old.recurring AND item_count = 0;
END;

CREATE TRIGGER spend_monthly_au AFTER UPDATE OF amount, currency, date, provider, service, category_id, recurring ON spend_items BEGIN
  UPDATE spend_monthly SET amount = amount - old.amount, item_count = item_count - 1
    WHERE tenant_id = old.tenant_id AND currency = old.currency AND month = strftime('%Y-%m', old.date / 1000, 'unixepoch')
      AND provider = old.provider AND service = COALESCE(old.service, '') AND category_id = COALESCE(old.category_id, '')
      AND recurring = old.recurring;
  DELETE FROM spend_monthly
    WHERE tenant_id = old.tenant_id AND currency = old.currency AND month = strftime('%Y-%m', old.date / 1000, 'unixepoch')
      AND provider = old.provider AND service = COALESCE(old.service, '') AND category_id = COALESCE(old.category_id, '')
      AND recurring = old.recurring AND item_count = 0;
  INSERT INTO spend_monthly (tenant_id, currency, month, provider, service, category_id, recurring, amount, item_count)
    VALUES (new.tenant_id, new.currency, strftime('%Y-%m', new.date / 1000, 'unixepoch'), new.provider,
      COALESCE(new.service, ''), COALESCE(new.category_id, ''), new.recurring, new.amount, 1)
    ON CONFLICT DO UPDATE SET amount = amount + excluded.amount, item_count = item_count + 1;
END;

-- Provider sync runs. Never holds a credential: the token is used for the call and dropped.
CREATE TABLE spend_sync_jobs (
  id TEXT PRIMARY KEY NOT NULL,
  tenant_id TEXT NOT NULL,
  provider TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('running', 'completed', 'failed')),
  trigger TEXT NOT NULL CHECK (trigger IN ('manual', 'scheduled')),
  range_from TEXT NOT NULL,
  range_to TEXT NOT NULL,
  options TEXT NOT NULL DEFAULT '{}',
  items_created INTEGER NOT NULL DEFAULT 0,
  items_updated INTEGER NOT NULL DEFAULT 0,
  items_unchanged INTEGER NOT NULL DEFAULT 0,
  error TEXT,
  requested_by TEXT,
  started_at INTEGER NOT NULL,
  completed_at INTEGER
);
CREATE INDEX spend_sync_jobs_tenant ON spend_sync_jobs (tenant_id, started_at, id);
CREATE INDEX spend_sync_jobs_tenant_provider ON spend_sync_jobs (tenant_id, provider, status, started_at);
