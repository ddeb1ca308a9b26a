import { DurableObject } from "cloudflare:workers";
import { database } from "../db/client";
import type { Bindings } from "../env";
import { log } from "../http/logger";
import { collectingOutboxWrites, wakeOutbox } from "../outbox";
import { advanceClock } from "./advance";
import { failAdvance } from "./service";

/** Attempts of one slice (the first run and the alarm's retries) before the advance is failed. */
const ATTEMPTS = 3;

/**
 * One per test clock (`env.TEST_CLOCK_RUNNER.getByName(clockId)`): runs its advance in the
 * background, in alarm-sized slices. Alarms are durable and retried, so an advance survives
 * an eviction or a crash half-way; one object per clock means one advance at a time.
 */
export class TestClockRunner extends DurableObject<Bindings> {
  async start(clockId: string): Promise<void> {
    await this.ctx.storage.put("clockId", clockId);
    await this.ctx.storage.setAlarm(Date.now());
  }

  override async alarm(info?: AlarmInvocationInfo): Promise<void> {
    const clockId = await this.ctx.storage.get<string>("clockId");
    if (!clockId) return;
    const woken: string[] = [];
    try {
      const state = await collectingOutboxWrites(
        () => advanceClock(this.env, clockId),
        (ids) => woken.push(...ids),
      );
      if (state === "more") await this.ctx.storage.setAlarm(Date.now());
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      log("error", "test_clock.advance_failed", { clockId, attempt: (info?.retryCount ?? 0) + 1, error: message });
      if ((info?.retryCount ?? 0) + 1 < ATTEMPTS) throw err;
      await failAdvance(database(this.env.DB), clockId, message, Date.now());
    } finally {
      if (woken.length) await wakeOutbox(this.env, woken).catch(() => undefined);
    }
  }
}
