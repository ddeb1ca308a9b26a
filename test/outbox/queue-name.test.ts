import { describe, expect, it } from "vitest";
import { isOutboxQueue } from "../../src/wiring/outbox";

// wrangler.toml: the outbox queue is `outbox`, and `outbox-staging` in [env.staging].
describe("which queue batches go to the outbox dispatcher", () => {
  it("takes the outbox queue of every environment, and nothing else", () => {
    expect(["outbox", "outbox-staging", "outbox-preview"].map(isOutboxQueue)).toEqual([true, true, true]);
    expect(["usage-events", "usage-events-staging", "usage-events-dlq", "my-outbox", "outboxes"].map(isOutboxQueue)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});
