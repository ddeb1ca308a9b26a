import type { D1Migration } from "cloudflare:test";

declare global {
  namespace Cloudflare {
    interface Env {
      TEST_MIGRATIONS: D1Migration[];
      /** 3 per 60 s (vitest.config.ts): swapped in for one policy to watch it refuse. */
      RATE_LIMIT_TIGHT: RateLimit;
      /** Runs per operation of the OpenAPI fuzzer (test/reliability/fuzz.test.ts). */
      FUZZ_RUNS?: string;
    }
  }
}
