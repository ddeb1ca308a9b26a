-- Plan features (entitlements): what a plan entitles its subscribers to, as a JSON array of
-- {key, type: 'boolean' | 'static' | 'metered', value?, metric?} (src/plans/schemas.ts
-- PlanFeature). A versioned field like `meters`, so on the head and on every version. Versions
-- written before features existed had none ('[]'); the seeded plans get config.json's in 0141.

ALTER TABLE plans ADD COLUMN features TEXT NOT NULL DEFAULT '[]';
ALTER TABLE plan_versions ADD COLUMN features TEXT NOT NULL DEFAULT '[]';
