// Prints the SQL that seeds config.json's plans: `npm run plans:sql > migrations/NNNN_*.sql`.
// test/plans/catalog.test.ts fails if the seeded rows and config.json drift apart.
import { catalogPlans } from "../src/plans/catalog";

const quote = (v: string) => `'${v.replaceAll("'", "''")}'`;
const lines = catalogPlans().map(
  (p) =>
    `INSERT INTO plans (id, name, description, currency, base_price, interval, trial_days, meters, active, created_at, updated_at) VALUES (` +
    [quote(p.id), quote(p.name), quote(p.description), quote(p.currency), p.basePrice, quote(p.interval), p.trialDays, quote(JSON.stringify(p.meters)), p.active ? 1 : 0, "unixepoch() * 1000", "unixepoch() * 1000"].join(", ") +
    `) ON CONFLICT (id) DO NOTHING;`,
);
console.log(`-- Generated from config.json by \`npm run plans:sql\`; do not edit by hand.\n${lines.join("\n")}`);
