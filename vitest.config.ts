import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

// wrangler.toml declares [secrets] required. Reading the config without a .dev.vars (CI), wrangler
// looks for them in the environment, warns about each one missing, and logs where it looked, for
// every test file. The suite sets its own JWT_SECRET (bindings below) and each Stripe test its
// own keys; empty values here only answer that check (empty is "not configured" to the code),
// and wrangler's informational lines are left out of the test output (its warnings are not).
for (const secret of ["JWT_SECRET", "STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET"]) process.env[secret] ??= "";
process.env.WRANGLER_LOG ??= "warn";

export default defineConfig(async () => {
  const migrations = await readD1Migrations("migrations");
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: {
            TEST_MIGRATIONS: migrations,
            JWT_SECRET: "test-secret-do-not-use-in-production",
            LOG_LEVEL: "error",
            // The suite's requests come from many tests at once: absolute links and redirects
            // for the test host, and no limit a busy file could trip by accident.
            PUBLIC_BASE_URL: "https://billing.test",
            ALLOWED_REDIRECT_HOSTS: "app.example.com",
            FUZZ_RUNS: process.env.FUZZ_RUNS ?? "",
            TEST_CLOCKS: "true",
          },
          // Generous limits for the suite; test/security/rate-limit.test.ts swaps in the tight one.
          ratelimits: {
            ...Object.fromEntries(
              ["RATE_LIMIT_TOKEN", "RATE_LIMIT_TENANT", "RATE_LIMIT_USAGE", "RATE_LIMIT_COUPON_VALIDATION", "RATE_LIMIT_AUTH_FAILURES"].map((name, i) => [
                name,
                { namespace_id: String(9001 + i), simple: { limit: 1_000_000, period: 60 } },
              ]),
            ),
            RATE_LIMIT_TIGHT: { namespace_id: "9100", simple: { limit: 3, period: 60 } },
          },
        },
      }),
    ],
    test: {
      // Pre-bundling stripe keeps its missing-sourcemap warnings out of the test output.
      deps: { optimizer: { ssr: { enabled: true, include: ["stripe"] } } },
      setupFiles: ["./test/setup.ts"],
      // vitest leaves a core to itself by default (one worker on a 2-core machine); the workers
      // here mostly wait on workerd, and two of them take the suite from about 10 to 6.5 minutes there.
      maxWorkers: Math.max(2, availableParallelism() - 1),
      testTimeout: 30_000,
      hookTimeout: 30_000,
    },
  };
});
