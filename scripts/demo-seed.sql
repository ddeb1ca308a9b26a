-- Demo data for `npm run dev` (local D1 only). Safe to re-run.
INSERT INTO tenants (id, name, billing_email, billing_address, currency, tax_rate_bps, created_at, updated_at)
VALUES ('acme', 'Acme Corp', 'billing@acme.example', '{"line1":"1 Acme Road","city":"Springfield","postalCode":"12345","country":"US"}', 'USD', 0, unixepoch() * 1000, unixepoch() * 1000)
ON CONFLICT (id) DO NOTHING;
