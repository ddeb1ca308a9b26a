-- What a usage line counted when its invoice was frozen, so usage that arrives later for a
-- finalized period (within the 35-day backdating window) can be reported as late.
ALTER TABLE invoice_lines ADD COLUMN used_quantity TEXT;
