-- How a tenant's money is rounded to minor units (README: "Rounding"). New tenants get the
-- default, half-up. Tenants that exist when this runs were billed half-even until now, so
-- they keep it: a running customer's invoices do not change rule without someone deciding so
-- (PUT /tenants/:tenantId {"roundingMode": "half_up"}).
ALTER TABLE tenants ADD COLUMN rounding_mode TEXT NOT NULL DEFAULT 'half_up' CHECK (rounding_mode IN ('half_up', 'half_even'));
UPDATE tenants SET rounding_mode = 'half_even';
