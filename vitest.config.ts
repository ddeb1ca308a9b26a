import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

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
            FUZZ_RUNS: process.env.FUZZ_RUNS ?? "",
          },
        },
      }),
    ],
    test: {
      // Pre-bundling stripe keeps its missing-sourcemap warnings out of the test output.
      deps: { optimizer: { ssr: { enabled: true, include: ["stripe"] } } },
      setupFiles: ["./test/setup.ts"],
      testTimeout: 30_000,
      hookTimeout: 30_000,
    },
  };
});
