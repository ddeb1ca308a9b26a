// `npm run plans:sql`: writes the migrations that seed config.json's plans, 0002 (the plans) and
// 0141 (their features, a column 0140 added later). test/plans/plans.test.ts fails if the seeded
// rows and config.json drift apart.
import { writeFileSync } from "node:fs";
import { catalogPlans } from "../src/plans/catalog";

const HEADER = "-- Generated from config.json by `npm run plans:sql`; do not edit by hand.";
const quote = (v: string) => `'${v.replaceAll("'", "''")}'`;
const plans = catalogPlans();

const seed = plans.map(
  (p) =>
    `INSERT INTO plans (id, name, description, currency, base_price, interval, trial_days, meters, active, created_at, updated_at) VALUES (` +
    [
      quote(p.id),
      quote(p.name),
      quote(p.description),
      quote(p.currency),
      p.basePrice,
      quote(p.interval),
      p.trialDays,
      quote(JSON.stringify(p.meters)),
      p.active ? 1 : 0,
      "unixepoch() * 1000",
      "unixepoch() * 1000",
    ].join(", ") +
    `) ON CONFLICT (id) DO NOTHING;`,
);

// Version 1 of a seeded plan is the one 0002 wrote; features are set on it only while it has
// none (a plan an operator has since changed keeps what it has). Features price nothing, so this
// changes no charge of a version already used.
const features = plans
  .filter((p) => p.features.length > 0)
  .flatMap((p) => [
    `UPDATE plans SET features = ${quote(JSON.stringify(p.features))} WHERE id = ${quote(p.id)} AND version = 1 AND features = '[]';`,
    `UPDATE plan_versions SET features = ${quote(JSON.stringify(p.features))} WHERE plan_id = ${quote(p.id)} AND version = 1 AND features = '[]';`,
  ]);

const files = {
  "migrations/0002_seed_plans.sql": [HEADER, ...seed],
  "migrations/0141_seed_plan_features.sql": [HEADER, "-- The seeded plans' features (version 1 of each, while it has none).", ...features],
};
for (const [path, lines] of Object.entries(files)) {
  writeFileSync(path, `${lines.join("\n")}\n`);
  console.log(`wrote ${path}`);
}
