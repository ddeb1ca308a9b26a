import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";

// Every test file starts from a database with all migrations applied (idempotent per file).
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
